/* store_pg_sql.c - the text of every statement of the PostgreSQL store, by pg_query. */
#include "config.h"

#include "store_pg.h"

/* The members of team $T (never of no team). */
#define TEAM_MEMBERS(T) "(SELECT name FROM users WHERE team = " T " AND team <> '')"
/* A due date (YYYY-MM-DD in the record) as days since 1970-01-01, the client's day number. */
#define DUE_DAY "(CAST(CAST(record AS json) ->> 'due_date' AS date) - DATE '1970-01-01')"
/* One change row: seq, version, record (NULL for a removal), account id. Removals leave a
 * scope only when the account is not still in it, as in the SQLite store. */
#define UPSERTS "SELECT seq, version, record, id FROM accounts WHERE seq > $1"
#define REMOVALS "SELECT d.seq, 0, NULL, d.account_id FROM departures d WHERE d.seq > $1"

const struct pg_query_def pg_queries[PGQ_COUNT] = {
	[PGQ_EPOCH] = { "SELECT value FROM meta WHERE key = 'epoch'", 0 },
	[PGQ_EPOCH_SET] = { "UPDATE meta SET value = CAST($1 AS bigint) WHERE key = 'epoch'", 1 },
	[PGQ_SEQ_LOCK] = { "SELECT value FROM meta WHERE key = 'seq' FOR UPDATE", 0 },
	[PGQ_NEXT_SEQ] = { "UPDATE meta SET value = value + 1 WHERE key = 'seq' RETURNING value", 0 },
	[PGQ_SEQ_SET] = { "UPDATE meta SET value = CAST($1 AS bigint) WHERE key = 'seq'", 1 },
	[PGQ_XACT_LOCK] = { "SELECT pg_advisory_xact_lock(CAST($1 AS integer), CAST($2 AS integer))",
			  2 },
	[PGQ_USER_ADD] = { "INSERT INTO users(name, role, team, pwhash) VALUES($1, $2, $3, $4)", 4 },
	[PGQ_USER_GET] = { "SELECT id, name, role, team, pwhash FROM users WHERE name = $1", 1 },
	[PGQ_SESSION_ADD] = { "INSERT INTO sessions(token_hash, user_id, device, created_at,"
			    " expires_at) VALUES($1, $2, $3, $4, $5)", 5 },
	[PGQ_SESSION_GET] = { "SELECT u.id, u.name, u.role, u.team, u.pwhash FROM sessions s JOIN"
			    " users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.revoked = 0"
			    " AND s.expires_at > $2", 2 },
	[PGQ_SESSION_REVOKE] = { "UPDATE sessions SET revoked = 1 WHERE token_hash = $1", 1 },
	[PGQ_THROTTLE_GET] = { "SELECT wait_until - CAST($2 AS bigint) FROM throttle WHERE key = $1"
			     " AND wait_until > CAST($2 AS bigint)", 2 },
	/* the wait doubles with each failure past the free ones, capped at 15 minutes */
	[PGQ_THROTTLE_FAIL] = { "INSERT INTO throttle AS t(key, failures, wait_until) VALUES($1, 1, 0)"
			      " ON CONFLICT(key) DO UPDATE SET failures = t.failures + 1,"
			      " wait_until = CASE WHEN t.failures + 1 >= CAST($3 AS integer) THEN"
			      " CAST($2 AS bigint) + least(900, 30 << least(5, t.failures + 1 -"
			      " CAST($3 AS integer))) ELSE t.wait_until END", 3 },
	[PGQ_THROTTLE_CLEAR] = { "DELETE FROM throttle WHERE key = $1", 1 },
	[PGQ_ACCOUNT_GET] = { "SELECT assignee, version, record FROM accounts WHERE id = $1", 1 },
	[PGQ_ACCOUNT_INSERT] = { "INSERT INTO accounts(id, assignee, version, seq, record)"
			       " VALUES($1, $2, 1, $3, $4)", 4 },
	[PGQ_ACCOUNT_UPDATE] = { "UPDATE accounts SET assignee = $2, version = version + 1, seq = $3,"
			       " record = $4 WHERE id = $1", 4 },
	[PGQ_DEPARTURE_ADD] = { "INSERT INTO departures(seq, account_id, assignee, team) VALUES($1,"
			      " $2, $3, coalesce((SELECT team FROM users WHERE name = $3), ''))", 3 },
	/* scope: $1 the account, $2 the user, $3 the user's team */
	[PGQ_VISIBLE_ALL] = { "SELECT 1 FROM accounts WHERE id = $1", 1 },
	[PGQ_VISIBLE_OWN] = { "SELECT 1 FROM accounts WHERE id = $1 AND assignee = $2", 2 },
	[PGQ_VISIBLE_TEAM] = { "SELECT 1 FROM accounts WHERE id = $1 AND (assignee = $2 OR assignee"
			     " IN " TEAM_MEMBERS("$3") ")", 3 },
	/* changes: $1 since, $2 rows wanted, $3 the user, $4 the team; one statement, so one
	 * snapshot: a change committed between two reads could otherwise be passed over */
	[PGQ_CHANGES_ALL] = { UPSERTS " ORDER BY seq LIMIT $2", 2 },
	[PGQ_CHANGES_OWN] = { "(" UPSERTS " AND assignee = $3 ORDER BY seq LIMIT $2) UNION ALL"
			    " (" REMOVALS " AND d.assignee = $3 AND NOT EXISTS (SELECT 1 FROM accounts"
			    " a WHERE a.id = d.account_id AND a.assignee = $3) ORDER BY d.seq LIMIT $2)"
			    " ORDER BY 1 LIMIT $2", 3 },
	[PGQ_CHANGES_TEAM] = { "(" UPSERTS " AND (assignee = $3 OR assignee IN " TEAM_MEMBERS("$4")
			     ") ORDER BY seq LIMIT $2) UNION ALL (" REMOVALS " AND (d.assignee = $3"
			     " OR (d.team = $4 AND $4 <> '')) AND NOT EXISTS (SELECT 1 FROM accounts"
			     " a WHERE a.id = d.account_id AND (a.assignee = $3 OR a.assignee IN "
			     TEAM_MEMBERS("$4") ")) ORDER BY d.seq LIMIT $2) ORDER BY 1 LIMIT $2", 4 },
	[PGQ_PAYMENT_ADD] = { "INSERT INTO payments(reference, account_id, amount, paid_on,"
			    " recorded_at) VALUES($1, $2, $3, $4, $5) ON CONFLICT(reference) DO"
			    " NOTHING", 5 },
	[PGQ_EVENT_HASH] = { "SELECT hash FROM events WHERE id = $1", 1 },
	[PGQ_DEVICE_HEAD] = { "SELECT owner, head_seq, head_hash FROM devices WHERE device = $1", 1 },
	[PGQ_EVENT_PUT] = { "INSERT INTO events(id, device, seq, account_id, kind, \"user\", at, body,"
			  " prev_hash, hash, pushed_by, received_at, flag) VALUES($1, $2, $3, $4,"
			  " $5, $6, $7, $8, $9, $10, $11, $12, $13)", 13 },
	[PGQ_DEVICE_ADVANCE] = { "INSERT INTO devices(device, owner, head_seq, head_hash)"
			       " VALUES($1, $2, $3, $4) ON CONFLICT(device) DO UPDATE SET"
			       " head_seq = excluded.head_seq, head_hash = excluded.head_hash", 4 },
	[PGQ_ACCOUNT_EXISTS] = { "SELECT 1 FROM accounts WHERE id = $1", 1 },
	[PGQ_CASE_APPLY] = { "INSERT INTO case_state AS c(account_id, events, last_event_at,"
			   " last_kind) VALUES($1, 1, $2, $3) ON CONFLICT(account_id) DO UPDATE SET"
			   " events = c.events + 1, last_event_at = greatest(c.last_event_at,"
			   " excluded.last_event_at), last_kind = excluded.last_kind", 3 },
	[PGQ_DEAD_LETTER] = { "INSERT INTO dead_letters(event_id, reason, at) VALUES($1, $2, $3)", 3 },
	[PGQ_EVENTS_SCAN] = { "SELECT id, device, seq, account_id, kind, \"user\", at, body,"
			    " prev_hash, hash FROM events ORDER BY device, seq", 0 },
	[PGQ_EVENTS_SCAN_APPLIED] = { "SELECT id, device, seq, account_id, kind, \"user\", at, body,"
				    " prev_hash, hash FROM events WHERE " SERVER_NOT_REFUSED_SQL
				    " ORDER BY device, seq", 0 },
	[PGQ_DEVICE_KEY_GET] = { "SELECT public_key, \"user\" FROM device_keys WHERE device = $1", 1 },
	[PGQ_DEVICE_KEY_ADD] = { "INSERT INTO device_keys(device, public_key, \"user\","
			       " registered_at) VALUES($1, $2, $3, $4)", 4 },
	[PGQ_DEVICE_KEY_RESET] = { "DELETE FROM device_keys WHERE device = $1", 1 },
	/* a head signed again (a retried batch) keeps its first record */
	[PGQ_SIGNED_HEAD_ADD] = { "INSERT INTO signed_heads(device, seq, hash, signature, public_key,"
				" pushed_by, received_at) VALUES($1, $2, $3, $4, $5, $6, $7)"
				" ON CONFLICT(device, seq) DO NOTHING", 7 },
	[PGQ_SIGNED_HEADS] = { "SELECT h.device, h.seq, h.hash, h.signature, h.public_key,"
			     " h.pushed_by, h.received_at, coalesce(e.hash, '') FROM signed_heads h"
			     " LEFT JOIN events e ON e.device = h.device AND e.seq = h.seq WHERE"
			     " CAST($1 AS text) IS NULL OR h.device = $1 ORDER BY h.device, h.seq", 1 },
	[PGQ_BLOB_LINK_ADD] = { "INSERT INTO blob_links(event_id, sha256, account_id, pushed_by, mime,"
			      " size) VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT(event_id) DO"
			      " NOTHING", 6 },
	[PGQ_BLOB_LINKS] = { "SELECT event_id, account_id, pushed_by, mime, size FROM blob_links"
			   " WHERE sha256 = $1 ORDER BY n", 1 },
	/* $1 the team (NULL: the whole book), $2 the grouping's name */
	[PGQ_AGING] = { "SELECT CASE CAST($2 AS text) WHEN 'product' THEN CAST(record AS json) ->> 'product'"
		      " WHEN 'agent' THEN assignee WHEN 'team' THEN coalesce((SELECT team FROM"
		      " users u WHERE u.name = assignee), '') WHEN 'state' THEN"
		      " coalesce(CAST(record AS json) ->> 'region', '') ELSE '' END,"
		      " CAST(record AS json) ->> 'currency', " DUE_DAY ", count(*),"
		      " sum(CAST(CAST(record AS json) #>> '{balance,total}' AS bigint)),"
		      " sum(CAST(CAST(record AS json) #>> '{balance,past_due}' AS bigint))"
		      " FROM accounts WHERE CAST($1 AS text) IS NULL OR assignee IN "
		      TEAM_MEMBERS("$1") " GROUP BY 1, 2, 3", 2 },
	/* $1 the team (NULL: every team); the people on a board are those who work cases */
	[PGQ_BOARD_USERS] = { "SELECT name, team FROM users WHERE role IN ('agent', 'field', 'lead')"
			    " AND (CAST($1 AS text) IS NULL OR (team = $1 AND team <> ''))", 1 },
	[PGQ_BOARD_ACCOUNTS] = { "SELECT assignee, " DUE_DAY ", count(*) FROM accounts WHERE"
			       " CAST($1 AS text) IS NULL OR assignee IN " TEAM_MEMBERS("$1")
			       " GROUP BY 1, 2", 1 },
	[PGQ_BOARD_EVENTS] = { "SELECT id, account_id, kind, \"user\", at, body FROM events WHERE"
			     " at >= $1 AND " SERVER_NOT_REFUSED_SQL, 1 },
	[PGQ_ROSTER] = { "SELECT id, name, role, team, '' FROM users WHERE role IN ('agent', 'field',"
		       " 'lead') AND (CAST($1 AS text) IS NULL OR (team = $1 AND team <> ''))"
		       " ORDER BY name", 1 },
};
