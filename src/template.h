/* template.h - message templates as data (data/templates/LANG.conf, arrears-strategy(5)):
 * tiers per channel and language, placeholders filled from an account, the opt-out text that
 * electronic messages must carry, and the SMS segment cap. */
#ifndef ARREARS_TEMPLATE_H
#define ARREARS_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "problems.h"

enum channel { CHANNEL_SMS, CHANNEL_EMAIL, CHANNEL_LETTER, CHANNEL_COUNT };
enum tier { TIER_FRIENDLY, TIER_SECOND, TIER_FINAL, TIER_COUNT };

#define TEMPLATE_ID_LEN 32

struct template {
	char id[TEMPLATE_ID_LEN];
	enum channel channel;
	enum tier tier;
	char *subject;		/* owned; email only, NULL otherwise */
	char *body;		/* owned */
	int line;
	bool refused;		/* kept so strategies still find its id, never filled */
};

/* One language's file. */
struct template_lang {
	char code[8];			/* the file name without ".conf", e.g. "en" */
	char *file;			/* owned */
	char *opt_out[CHANNEL_COUNT];	/* owned; NULL for letters */
	int sms_max_segments;
	struct template *t;		/* owned */
	size_t n;
};

/* Every language of a templates directory, in the byte order of their codes. */
struct template_set {
	struct template_lang *langs;	/* owned */
	size_t n;
};

/* Loads every LANG.conf file of dir. Each problem found (file:line: message) is added to p
 * and the rest is still read, so one pass names them all; *out always gets a set (free it),
 * holding what could be read. 0 when nothing was wrong, -1 when p got problems. */
int template_set_load(const char *dir, struct template_set **out, struct problems *p);

/* Frees a set and sets *s to NULL; accepts NULL. */
void template_set_free(struct template_set **s);

/* A language by code, or NULL. Borrowed. */
const struct template_lang *template_lang_find(const struct template_set *s, const char *code);

/* A template by id and channel, or NULL. Borrowed. */
const struct template *template_find(const struct template_lang *l, const char *id,
				     enum channel ch);

/* The values placeholders are filled with. */
struct template_values {
	char name[NAME_LEN];
	char account[8];	/* the last four characters of the account id */
	char balance[40], past_due[40];	/* "1,234.56 USD" */
	char due_date[11];
	char dpd[12];
	char pay_link[256];
	char agent[32];
};

/* The values of account a on day today; pay_link may be NULL (then empty). */
void template_values_of(const struct account *a, int32_t today, const char *pay_link,
			struct template_values *v);

/* The text (a subject or body of a template of l on channel ch) with its placeholders filled.
 * Returns an owned string; the text must have loaded without problems. */
char *template_fill(const struct template_lang *l, enum channel ch, const char *text,
		    const struct template_values *v);

const char *channel_name(enum channel c);
const char *tier_name(enum tier t);
/* Parses a channel's or tier's name; -1 when unknown. */
int channel_parse(const char *name);
int tier_parse(const char *name);

#endif
