/* commands.h - the subcommands of arrears; each returns the process exit code. */
#ifndef ARREARS_COMMANDS_H
#define ARREARS_COMMANDS_H

#include "err.h"

struct settings;

/* Options that come before the subcommand and apply to all of them. */
struct global_opts {
	const char *config_path;	/* --config FILE, or NULL */
	const char *cache_path;		/* --cache FILE, or NULL */
};

/* Loads the settings every command shares (--config or the default file, --cache), printing
 * warnings to stderr. 0 or -1. */
int settings_for(const struct global_opts *g, struct settings *s, struct err *e);

int cmd_demo(int argc, char **argv, const struct global_opts *g);
int cmd_export(int argc, char **argv, const struct global_opts *g);
int cmd_policy(int argc, char **argv, const struct global_opts *g);
int cmd_audit(int argc, char **argv, const struct global_opts *g);
int cmd_attach(int argc, char **argv, const struct global_opts *g);
int cmd_login(int argc, char **argv, const struct global_opts *g);
int cmd_sync(int argc, char **argv, const struct global_opts *g);
int cmd_logout(int argc, char **argv, const struct global_opts *g);
int cmd_report(int argc, char **argv, const struct global_opts *g);
int cmd_reassign(int argc, char **argv, const struct global_opts *g);
int cmd_strategy(int argc, char **argv, const struct global_opts *g);
int cmd_edit(int argc, char **argv, const struct global_opts *g);
int cmd_conflicts(int argc, char **argv, const struct global_opts *g);
int cmd_resolve(int argc, char **argv, const struct global_opts *g);

#endif
