-- Per-minute job counts published by every node (FleetThroughputView), so the dashboard's throughput chart and retry
-- counts cover the fleet. A node writes its own rows only, with absolute counts, so a repeated write is harmless. Kept
-- for an hour; a few hundred rows per node at most.
CREATE TABLE job_throughput (
    minute        timestamptz NOT NULL,
    subscription  text        NOT NULL,
    node          text        NOT NULL,
    completed     bigint      NOT NULL CHECK (completed >= 0),
    retried       bigint      NOT NULL CHECK (retried >= 0),
    dead          bigint      NOT NULL CHECK (dead >= 0),
    PRIMARY KEY (minute, subscription, node)
);
