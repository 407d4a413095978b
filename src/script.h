/* script.h - call scripts as data: steps, branching answers, checkpoints, outcome codes; and a
 * runner that walks one call through a script without knowing any screen. */
#ifndef ARREARS_SCRIPT_H
#define ARREARS_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

/* How a call ends. The names are the codes written in events and in script files. */
enum call_outcome {
	OUTCOME_NONE = -1,
	OUTCOME_NO_ANSWER,
	OUTCOME_BUSY,
	OUTCOME_VOICEMAIL,	/* a limited-content message was left */
	OUTCOME_WRONG_NUMBER,
	OUTCOME_THIRD_PARTY,
	OUTCOME_RPC,		/* right-party contact without a promise */
	OUTCOME_REFUSED,
	OUTCOME_DISPUTE,
	OUTCOME_CEASE_REQUEST,
	OUTCOME_CALLBACK,	/* callback requested, with a time */
	OUTCOME_PTP,
	OUTCOME_COUNT
};

/* The code of an outcome, e.g. "wrong_number". */
const char *call_outcome_name(enum call_outcome o);
/* Parses a code; OUTCOME_NONE when unknown. */
enum call_outcome call_outcome_parse(const char *name);
/* Whether closing with o claims a conversation with the debtor (so checkpoints apply). */
bool call_outcome_is_right_party(enum call_outcome o);
/* Whether the outcome means someone was spoken to (the account's last contact moves). */
bool call_outcome_is_contact(enum call_outcome o);

enum checkpoint_type {
	CHECKPOINT_MANDATORY,	/* done, or waived with a reason, before a right-party close */
	CHECKPOINT_GATE		/* the steps after the step that holds it stay locked until done */
};

struct script_checkpoint {
	char id[32];
	char *label;		/* owned */
	enum checkpoint_type type;
	bool verifies;		/* right-party verification: unlocks disclosure steps */
	int line;
};

struct script_answer {
	char *text;		/* owned; may hold placeholders */
	int next;		/* index of the next step, or -1 when the answer ends the call */
	enum call_outcome outcome;	/* the proposed outcome when next is -1 */
	int line;
};

struct script_step {
	char id[32];
	char *prompt;		/* owned; may hold placeholders */
	int checkpoint;		/* index into checkpoints, or -1 */
	bool disclosure;	/* says something about the debt: right party only */
	struct script_answer *answers;	/* owned */
	size_t nanswers;
	int line;
};

/* A loaded script; read-only for its users. */
struct script {
	char *name;		/* owned; the script's own title */
	char *file;		/* owned; the path it was read from */
	char id[64];		/* the file name without ".conf", recorded on call events */
	int start;
	struct script_step *steps;	/* owned */
	size_t nsteps;
	struct script_checkpoint *checkpoints;	/* owned */
	size_t ncheckpoints;
	int verify;		/* index of the verifying checkpoint, or -1 */
};

/* Loads and checks a script file. Every problem is "file:line: message": a missing step, an
 * unreachable step, a cycle with no way out, an unknown placeholder or outcome. 0 or -1. */
int script_load(const char *path, struct script **out, struct err *e);

/* Finds a shipped script by name ("us-early" or "us-early.conf") or path and loads it. */
int script_open(const char *name, struct script **out, struct err *e);

/* The shipped script a call on an account starts with: UK profiles get "uk-arrears"; the rest
 * follow US practice, "us-early" up to 60 days past due and "us-late-settlement" after. */
const char *script_for_account(const char *profile, int dpd);

/* The script for a call where someone other than the debtor answers: it discloses nothing. */
#define SCRIPT_WRONG_PARTY "wrong-party"

/* Frees a script and sets *s to NULL; accepts NULL. */
void script_free(struct script **s);

/* Index of a step or checkpoint by id, or -1. */
int script_step_find(const struct script *s, const char *id);
int script_checkpoint_find(const struct script *s, const char *id);

/* The values placeholders are filled with; NULL members print as "". Borrowed strings. */
struct script_vars {
	const char *agent, *debtor, *creditor, *account, *amount_due, *balance, *due_date, *dpd;
};

/* Placeholder values of an account, formatted into store (which must outlive vars). */
struct script_var_store {
	char amount_due[32], balance[32], due_date[16], dpd[16];
};
void script_vars_from_account(struct script_vars *v, struct script_var_store *store,
			      const struct account *a, const char *agent, const char *creditor,
			      int32_t today);

/* Fills text's placeholders into buf (truncating at len). Returns buf. */
char *script_fill(const char *text, const struct script_vars *v, char *buf, size_t len);

/* One call through a script. The runner holds the call's position and checkpoint state; it
 * decides what is allowed and why not, and never writes anything: casework records. */
struct script_runner;

/* A runner at the script's start; the script and vars must outlive it. */
struct script_runner *script_runner_new(const struct script *s, const struct script_vars *v);
void script_runner_free(struct script_runner **r);

const struct script *script_runner_script(const struct script_runner *r);
/* The current step, or NULL once an answer has ended the call. */
const struct script_step *script_runner_step(const struct script_runner *r);
/* The current prompt with its placeholders filled into buf ("" once ended). Returns buf. */
char *script_runner_prompt(const struct script_runner *r, char *buf, size_t len);
/* Number of answers available at the current step (0 once ended). */
size_t script_runner_answer_count(const struct script_runner *r);
/* The text of answer i with placeholders filled. Returns buf. */
char *script_runner_answer_text(const struct script_runner *r, size_t i, char *buf, size_t len);
/* Whether answer i is locked; why (if not NULL) says which checkpoint holds it. */
bool script_runner_answer_locked(const struct script_runner *r, size_t i, char *why, size_t len);
/* Takes answer i: moves to its step or ends with its outcome. -1 with the reason when locked. */
int script_runner_answer(struct script_runner *r, size_t i, struct err *e);

/* Ticks checkpoint c at time at. -1 when already done. */
int script_runner_tick(struct script_runner *r, size_t c, int64_t at, struct err *e);
/* Whether checkpoint c may be waived with reason: mandatory, not done, a reason given. */
int script_runner_waive_check(const struct script_runner *r, size_t c, const char *reason,
			      struct err *e);
/* Records why a mandatory checkpoint was not done. Gates cannot be waived. */
int script_runner_waive(struct script_runner *r, size_t c, const char *reason, struct err *e);
/* When checkpoint c was ticked (0 = not), and the waiver reason ("" = none). */
int64_t script_runner_ticked_at(const struct script_runner *r, size_t c);
const char *script_runner_waiver(const struct script_runner *r, size_t c);
/* Whether right-party verification has passed. */
bool script_runner_verified(const struct script_runner *r);

/* Whether the script has ended, and the outcome the ending answer proposed (or NONE). */
bool script_runner_ended(const struct script_runner *r);
enum call_outcome script_runner_proposed(const struct script_runner *r);
/* Whether the call may close with outcome o now; why says what is missing when not. */
bool script_runner_can_close(const struct script_runner *r, enum call_outcome o, char *why,
			     size_t len);

#endif
