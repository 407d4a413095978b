-- 007: what a lead's or a reviewer's sync brings besides their own cases. review_events holds
-- the call records GET /v1/qa/calls answered (other devices' events, so they stay out of this
-- device's chain in events); bodies sealed like events'. board_snapshot keeps the last
-- GET /v1/board answer, the board a lead sees while it is of today.
CREATE TABLE review_events (
    id          TEXT PRIMARY KEY,
    device      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    account_id  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    user        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    body        BLOB NOT NULL,                   -- sealed
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL
);
CREATE INDEX review_events_account ON review_events(account_id, at);
CREATE INDEX review_events_call_starts ON review_events(at) WHERE kind = 'call_start';
CREATE INDEX review_events_qa_scores ON review_events(at) WHERE kind = 'qa_score';

CREATE TABLE board_snapshot (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    as_of       INTEGER NOT NULL,                -- the board's day
    fetched_at  INTEGER NOT NULL,
    body        TEXT NOT NULL                    -- the answer, as JSON
);
