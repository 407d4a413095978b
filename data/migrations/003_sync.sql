-- 003: sync. Events the server rejected leave the outbox for this list, with the server's
-- reason, so nothing is retried blindly and nothing is lost; a person decides what follows.

CREATE TABLE dead_letters (
    event_id    TEXT PRIMARY KEY REFERENCES events(id),
    reason      TEXT NOT NULL,
    at          INTEGER NOT NULL                  -- when the server's answer came, UTC seconds
);
