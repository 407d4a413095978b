/* board.h - the team lead's queue board: per agent, queue depth by aging band, today's work
 * (cases worked, attempts, RPCs, promises), the promise kept rate, overrides, policy exceptions
 * and last activity, with team totals. One builder is fed rows by whoever holds the data (the
 * client cache here, each server store there), so the figures are computed by one code path
 * and the KPI definitions of kpi.c (docs/KPIS.md "Board"). */
#ifndef ARREARS_BOARD_H
#define ARREARS_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "bands.h"
#include "err.h"
#include "kpi.h"
#include "model.h"

#define BOARD_DAYS 14		/* the worked-per-day sparkline: today and the 13 days before */
#define BOARD_KEPT_DAYS 30	/* the kept rate judges promises due in the last 30 days */
#define BOARD_SCAN_DAYS 60	/* events older than this cannot change any figure */
#define BOARD_NAME_LEN 32

struct store;

/* One agent's row, or a team's (or the whole board's) totals. Counts of "today" are of the
 * board's day (UTC days, as every day number in the cache); overrides and exceptions are of
 * the BOARD_DAYS window. */
struct board_agent {
	char name[BOARD_NAME_LEN];
	char team[BOARD_NAME_LEN];
	int64_t depth[BANDS_MAX];	/* accounts assigned, by band */
	int64_t accounts;		/* the sum of depth */
	int64_t worked[BOARD_DAYS];	/* distinct accounts acted on per day, oldest first */
	struct kpi_attempts today;	/* attempts today, by reach */
	int64_t ptps, ptp_amount;	/* promises recorded today, cents promised */
	struct kpi_rate kept;		/* kpi_ptp_kept by count, of promises the agent took */
	int64_t overrides;		/* policy_override events */
	int64_t exceptions;		/* mandatory checkpoints waived on calls */
	int64_t last_at;		/* the agent's latest event, UTC seconds; 0 when none seen */
};

/* A team: its agents are board.agents[first .. first + n - 1]. */
struct board_team {
	char name[BOARD_NAME_LEN];
	size_t first, n;
	struct board_agent total;
};

struct board {
	struct bands bands;
	int32_t today;
	struct board_agent *agents;	/* owned; by team, then name */
	size_t n;
	struct board_team *teams;	/* owned; by name ("" = no team, last) */
	size_t nteams;
	struct board_agent total;	/* every agent */
};

struct board_builder;

/* A builder for the board of day today with bands b (copied). Aborts on out-of-memory. */
struct board_builder *board_builder_new(const struct bands *b, int32_t today);

/* Frees a builder and clears the pointer; accepts NULL. */
void board_builder_free(struct board_builder **bb);

/* Names an agent of the roster and their team, so an agent without accounts still shows. */
void board_add_agent(struct board_builder *bb, const char *name, const char *team);

/* Counts n accounts assigned to assignee at dpd days past due. */
void board_add_accounts(struct board_builder *bb, const char *assignee, int dpd, int64_t n);

/* Feeds one event (id, account_id, kind, user, at and body are read). Events of users who
 * are neither in the roster nor assignees (the payment gateway, the system) count for nobody,
 * but their ptp_status judges a promise; events older than BOARD_SCAN_DAYS count for nothing.
 * A body that does not parse adds what the kind alone says: work, or an attempt that reached
 * nobody. */
void board_add_event(struct board_builder *bb, const struct event *ev);

/* Computes the board into out (board_free it) and empties the builder. */
void board_finish(struct board_builder *bb, struct board *out);

/* Frees what a board owns; the struct may be reused. */
void board_free(struct board *b);

/* The board of the client cache on day today: the roster table, the assignments and the
 * events of the last BOARD_SCAN_DAYS days. 0, or -1 with e filled. */
int board_from_cache(struct store *s, const struct bands *b, int32_t today, struct board *out,
		     struct err *e);

/* The server's board (GET /v1/board) as the last sync kept it, when it is of day today: 0 with
 * the time it was fetched, 1 when there is none of today, -1 with e filled. */
int board_from_snapshot(struct store *s, int32_t today, struct board *out, int64_t *fetched_at,
			struct err *e);

/* One case of an agent's queue, as the board's drill-down lists it. */
struct board_case {
	char id[ACCOUNT_ID_LEN];
	int dpd;
	int64_t balance;		/* total, cents */
	int64_t last_attempt_at;	/* 0 when never */
};

/* The cases assigned to agent in the cache, oldest due date first, into a new array of *n
 * (free with free(); NULL when none). 0, or -1 with e filled. */
int board_cases(struct store *s, const char *agent, int32_t today, struct board_case **out,
		size_t *n, struct err *e);

/* The index of the agent named name in b->agents, or -1. */
int board_agent_find(const struct board *b, const char *name);

#endif
