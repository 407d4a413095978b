/* devices.h - `arrearsd device`: the admin's view of device keys and the heads they signed. */
#ifndef ARREARS_SERVER_DEVICES_H
#define ARREARS_SERVER_DEVICES_H

#include "server.h"

/* `arrearsd device heads [DEVICE]` and `arrearsd device reset-key DEVICE`; argv[0] is
 * "device". Returns the process exit code (0, 1 a bad head or a failure, 2 usage). */
int devices_cmd(const struct server_config *c, int argc, char **argv);

#endif
