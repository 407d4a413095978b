-- 005: the team lead's board. The roster names agents and their team (the demo writes it), so
-- an agent with an empty queue still has a row; without it the board's agents are the
-- assignees the cache holds, in no team.

CREATE TABLE roster (
    name        TEXT PRIMARY KEY,
    team        TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL DEFAULT 'agent'
);
