-- Purchases that are right about money (issue 11). A store notification no longer decides the owner: user_id is empty
-- until the app's verify call claims the purchase, and the store's account token is kept in a column of its own.
-- app_id keeps the Google package name so any path (or the sweep) can acknowledge; state_reason keeps the store's
-- words for a state that does not entitle; entitled_at is when the store first said the purchase entitles (the
-- acknowledgement sweep and the unacknowledged-purchases metric count from it); announced says the owner has been
-- sent purchase.verified, so later events follow what the owner was told.

ALTER TABLE purchase ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE purchase ADD COLUMN app_account_token text;
ALTER TABLE purchase ADD COLUMN app_id text;
ALTER TABLE purchase ADD COLUMN state_reason text;
ALTER TABLE purchase ADD COLUMN entitled_at timestamptz;
ALTER TABLE purchase ADD COLUMN announced boolean NOT NULL DEFAULT false;

-- Rows written before: every one had an owner, and every state past pending was announced.
UPDATE purchase SET announced = true, entitled_at = created_at WHERE state NOT IN ('pending', 'rejected');

CREATE INDEX purchase_awaiting_acknowledgement ON purchase (entitled_at)
    WHERE store = 'google' AND NOT acknowledged AND state IN ('verified', 'renewed');
