-- 008: client-editable fields. field_versions holds each edited field's own version as the
-- server counts it (absent = 0: never edited); conflicts holds the edits the server kept
-- beside the value because they were based on an older version. Both are replaced by each
-- pull of their account and go with it.
CREATE TABLE field_versions (
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    field       TEXT NOT NULL,                   -- party.name, party.zones
    version     INTEGER NOT NULL,
    PRIMARY KEY (account_id, field)
);

CREATE TABLE conflicts (
    id          TEXT PRIMARY KEY,                -- the losing field_edit event's id
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    value       BLOB NOT NULL,                   -- sealed: a name is personal data
    by_user     TEXT NOT NULL,
    at          INTEGER NOT NULL,
    base        INTEGER NOT NULL
);
CREATE INDEX conflicts_account ON conflicts(account_id);
