-- Group commit sends COMMIT in the same round trip as a batch's writes. When the connection breaks during that round
-- trip the writer has not learnt the transaction's id, so it cannot ask pg_xact_status whether the batch committed.
-- Instead every batch inserts a row here naming its writer thread and its number, inside its transaction. After a
-- break the writer inserts the same row on a fresh connection in a transaction it rolls back: the unique index makes
-- that insert wait until the old transaction has ended, and it conflicts exactly when the batch committed.
-- Rows are only inserted (updating one row per writer instead made every intake transaction about a quarter slower in
-- a pgbench lab run); each writer deletes its own rows a thousand batches at a time, and rows of writers silent for a
-- week go when a writer starts.
CREATE TABLE group_commit_marker (
  writer     uuid        NOT NULL,
  batch      bigint      NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (writer, batch)
);
