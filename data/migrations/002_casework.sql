-- 002: working a case. A promise row is one installment of a promise-to-pay event (a single
-- promise is a plan of one); settlements below the configured share of the balance wait for a
-- lead's approval. All of it is derived from events and can be rebuilt from them.

ALTER TABLE promises ADD COLUMN installment INTEGER NOT NULL DEFAULT 1;   -- 1..n within its event
ALTER TABLE promises ADD COLUMN settlement INTEGER NOT NULL DEFAULT 0;
ALTER TABLE promises ADD COLUMN approval INTEGER NOT NULL DEFAULT 0;      -- enum ptp_approval
ALTER TABLE promises ADD COLUMN made_on INTEGER NOT NULL DEFAULT 0;       -- day the promise was made
CREATE INDEX promises_event ON promises(event_id);
