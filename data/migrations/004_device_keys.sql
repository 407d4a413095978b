-- 004: device keys and attachments. Each push signs the chain head it ends at with the
-- device's Ed25519 key (the secret half lives in CACHE.key, never here); the heads sent are
-- kept so `arrears audit verify` can check them. Attachments are evidence events plus a copy
-- of the file in CACHE.blobs/, queued here until the server holds the whole blob.

CREATE TABLE signed_heads (
    device      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    hash        TEXT NOT NULL,                    -- the event's hash at that link
    signature   TEXT NOT NULL,                    -- 128 hex, Ed25519 over the protocol's text
    public_key  TEXT NOT NULL,                    -- 64 hex
    at          INTEGER NOT NULL,                 -- when it was signed, UTC seconds
    PRIMARY KEY (device, seq)
);

CREATE TABLE attachments (
    event_id    TEXT PRIMARY KEY REFERENCES events(id),
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'uploaded', 'failed')),
    last_error  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attachments_pending ON attachments(state, sha256);
