-- 001: the first cache schema. Money is integer cents; times are UTC seconds since the
-- epoch; dates are days since 1970-01-01. Derived account state (last attempt, promise
-- state, callback) is kept on the account row so the queue loads in one pass.

CREATE TABLE parties (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    zones       TEXT NOT NULL DEFAULT ''          -- candidate IANA zones, ';'-separated
);

CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    ext_id          TEXT NOT NULL UNIQUE,         -- the book's account id
    party_id        INTEGER NOT NULL REFERENCES parties(id),
    product         INTEGER NOT NULL CHECK (product BETWEEN 0 AND 3),
    currency        TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
    profile         TEXT NOT NULL DEFAULT 'us-regf',
    region          TEXT NOT NULL DEFAULT '',
    segment         TEXT NOT NULL DEFAULT '',
    opened_on       INTEGER NOT NULL,
    due_date        INTEGER NOT NULL,             -- oldest unpaid due date
    risk            INTEGER NOT NULL DEFAULT 500 CHECK (risk BETWEEN 0 AND 1000),
    flags           INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    last_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_contact_at INTEGER NOT NULL DEFAULT 0,
    callback_at     INTEGER NOT NULL DEFAULT 0,
    ptp_state       INTEGER NOT NULL DEFAULT 0,
    ptp_amount      INTEGER NOT NULL DEFAULT 0,
    ptp_due         INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE balances (
    account_id  INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    principal   INTEGER NOT NULL,
    fees        INTEGER NOT NULL,
    past_due    INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    amount_due  INTEGER NOT NULL,
    as_of       INTEGER NOT NULL
);

CREATE TABLE contact_points (
    id          INTEGER PRIMARY KEY,
    party_id    INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
    kind        INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 5),
    value       TEXT NOT NULL,
    zones       TEXT NOT NULL DEFAULT '',
    consent     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contact_points_party ON contact_points(party_id);

CREATE TABLE assignments (
    account_id  INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    assignee    TEXT NOT NULL,
    since       INTEGER NOT NULL
);

-- Evidence: immutable, chained per device (hash covers the row and the previous hash).
CREATE TABLE events (
    id          TEXT PRIMARY KEY,                 -- UUID
    device      TEXT NOT NULL,
    seq         INTEGER NOT NULL,                 -- per-device counter, from 1
    account_id  TEXT NOT NULL,                    -- accounts.ext_id; evidence is kept even
                                                  -- when the account leaves the cache
    kind        TEXT NOT NULL,
    user        TEXT NOT NULL,
    at          INTEGER NOT NULL,                 -- device clock
    body        TEXT NOT NULL,                    -- JSON object
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (device, seq)
);
CREATE INDEX events_account ON events(account_id, at);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;

-- Events waiting to be pushed; a row leaves when the server has answered for it.
CREATE TABLE outbox (
    event_id    TEXT PRIMARY KEY REFERENCES events(id),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT
);

CREATE TABLE promises (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    event_id    TEXT NOT NULL REFERENCES events(id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    due_on      INTEGER NOT NULL,
    state       INTEGER NOT NULL DEFAULT 1,
    paid        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX promises_account ON promises(account_id, due_on);

CREATE TABLE payments (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    amount      INTEGER NOT NULL,
    paid_on     INTEGER NOT NULL,
    reference   TEXT NOT NULL UNIQUE
);
CREATE INDEX payments_account ON payments(account_id, paid_on);

CREATE TABLE sync_state (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
);
