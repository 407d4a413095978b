/* settings.h - arrears.conf: one options table drives loading, validation, --dump-config and the
 * man page check. (Named settings.h because config.h is autoconf's.) */
#ifndef ARREARS_SETTINGS_H
#define ARREARS_SETTINGS_H

#include <limits.h>
#include <stddef.h>

#include "bands.h"
#include "err.h"
#include "queue.h"

#define SETTINGS_MAX_WARNINGS 16
#define SETTINGS_MAX_KEYS 64

/* A user key binding from the keys group: action name -> key spec, with its line. */
struct key_binding {
	char action[32];
	char key[16];
	int line;
};

struct settings {
	char cache[PATH_MAX];	/* "" = $XDG_DATA_HOME/arrears/cache.db */
	char theme[64];
	char user[32];
	char creditor[64];	/* who the agent calls for: {creditor} in call scripts */
	char role[16];
	char profile[16];
	char timezone[64];	/* the agent's own zone for the clock; "" = TZ */
	char server[256];	/* arrearsd base URL for `arrears login`; "" = none */
	char ca_file[PATH_MAX];	/* CA bundle that verifies the server; "" = the system's */
	char pinned_public_key[512];	/* CURLOPT_PINNEDPUBLICKEY form; "" = no pin */
	int call_start_minute, call_end_minute;	/* default calling hours, local */
	int ptp_grace_days;
	int ptp_max_days;
	int ptp_plan_max_payments;
	int ptp_plan_max_days;
	int ptp_settlement_approval_percent;
	struct queue_weights weights;
	struct bands bands;
	struct key_binding keys[SETTINGS_MAX_KEYS];
	int nkeys;
	char source[PATH_MAX];	/* file read, "" when defaults only */
	char warnings[SETTINGS_MAX_WARNINGS][256];
	int nwarnings;
};

/* Fills s with the built-in defaults. */
void settings_default(struct settings *s);

/* Reads path over the defaults. A missing file is fine unless required. Errors say
 * "file:line: option: problem"; unknown options become warnings. 0 or -1. */
int settings_load(struct settings *s, const char *path, int required, struct err *e);

/* The default config path: $XDG_CONFIG_HOME/arrears/arrears.conf (or ~/.config/...). */
int settings_default_path(char *buf, size_t len);

/* The default cache path: $XDG_DATA_HOME/arrears/cache.db (or ~/.local/share/...). */
int settings_default_cache(char *buf, size_t len);

/* Writes every option with its current value as a libconfig file, with help as comments. */
int settings_dump(const struct settings *s, char **out);

/* Option names of the table, NULL-terminated, for tests that check the man page. */
const char *const *settings_option_names(void);

#endif
