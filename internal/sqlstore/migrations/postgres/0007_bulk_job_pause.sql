-- A bulk job whose user must sign in again is paused: paused_from keeps the
-- state it was paused in (resolving or running), to which resuming returns
-- it. Finished jobs are deleted some time after they finished (updated_at of
-- a done job), and paused jobs end when not resumed in time (updated_at of a
-- paused job): both are found by state and updated_at.
ALTER TABLE bulk_jobs ADD COLUMN paused_from TEXT NOT NULL DEFAULT '';
CREATE INDEX bulk_jobs_state_updated ON bulk_jobs (state, updated_at);
