-- assistance_requests_while_held (V84, V87) joins the leases' request ids to assistance_request. PL/pgSQL keeps a
-- statement's plan for the session, and a plan made while the table was small (a fresh install; every round of the
-- benchmark, which starts on emptied tables) merge-joined the sorted ids to a walk of the whole primary key, building
-- a row value for every request it passed. Request ids grow with time and a delivery reads the newest, so once the
-- table had grown each read walked nearly all of it: at 1,000 requests/s auto_explain logged 754 such reads over 3 ms
-- in one run, and perf put a fifth of PostgreSQL's CPU in forming those rows. With merge and hash joins off the only
-- plan left is a primary-key probe per lease, whatever the statistics said when the session planned it.
ALTER FUNCTION assistance_requests_while_held(uuid[], bigint[], bigint[]) SET enable_mergejoin = off;
ALTER FUNCTION assistance_requests_while_held(uuid[], bigint[], bigint[]) SET enable_hashjoin = off;
