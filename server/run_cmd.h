/* run_cmd.h - the `arrearsd run` command: options, the per-account lines and the totals. */
#ifndef ARREARS_SERVER_RUN_CMD_H
#define ARREARS_SERVER_RUN_CMD_H

#include "server.h"

/* argv[0] is "run". Returns the command's exit code (arrearsd(8)). */
int run_cmd(const struct server_config *c, int argc, char **argv);

#endif
