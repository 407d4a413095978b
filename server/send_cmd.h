/* send_cmd.h - the admin's commands over the message providers: `arrearsd send-test` and
 * `arrearsd dispatch failures|replay`. */
#ifndef ARREARS_SERVER_SEND_CMD_H
#define ARREARS_SERVER_SEND_CMD_H

#include "server.h"

/* `send-test --email ADDRESS | --sms NUMBER [--subject S] [--text T] [--id ID]`; argv[0] is
 * "send-test". Returns the exit code: 0 sent, 1 not sent (kept as a dead letter) or a
 * failure, 2 usage or configuration. */
int send_cmd_test(const struct server_config *c, int argc, char **argv);

/* `dispatch failures` and `dispatch replay ID...|--all`; argv[0] is "dispatch". Returns the
 * exit code: 0 listed or all sent, 1 some not sent or a failure, 2 usage or configuration. */
int send_cmd_dispatch(const struct server_config *c, int argc, char **argv);

#endif
