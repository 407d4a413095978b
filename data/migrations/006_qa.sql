-- 006: quality review. Event bodies are sealed at rest, so a call's id inside them cannot be
-- indexed: the QA list finds calls by their call_start events and reads each account's events
-- through events_account. These partial indexes hold only the few rows QA looks for by kind:
-- call starts, reviews, and the policy overrides the agent compliance score counts per user.
CREATE INDEX events_call_starts ON events(at) WHERE kind = 'call_start';
CREATE INDEX events_qa_scores ON events(at) WHERE kind = 'qa_score';
CREATE INDEX events_overrides ON events(user) WHERE kind = 'policy_override';
