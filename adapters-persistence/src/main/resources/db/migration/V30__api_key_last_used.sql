-- When each stored key was last used; written in batches from memory, never once per request.
ALTER TABLE api_key ADD COLUMN last_used_at timestamptz;
