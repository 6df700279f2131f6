package sqlstore

import (
	"context"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// ReleaseBulkItem moves a working item back to pending.
func (s *Store) ReleaseBulkItem(ctx context.Context, jobID, runID string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE bulk_items SET state = 'pending', updated_at = $1
		WHERE job_id = $2 AND run_id = $3 AND state = 'working'`, s.tv(s.now()), jobID, runID)
	if err != nil {
		return s.dbError("release bulk item", err)
	}
	return nil
}

// PauseBulkJob moves a resolving or running job to paused with one
// conditional UPDATE that keeps the state it left in paused_from (every SET
// expression reads the row as it was, in both dialects).
func (s *Store) PauseBulkJob(ctx context.Context, jobID, message string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE bulk_jobs SET paused_from = state, state = 'paused', message = $1, updated_at = $2
		WHERE id = $3 AND state IN ('resolving', 'running')`, message, s.tv(s.now()), jobID)
	if err != nil {
		return s.dbError("pause bulk job", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.dbError("pause bulk job", err)
	} else if n == 0 {
		return flowdeck.Errorf(flowdeck.ErrConflict, "That job is not resolving or running, so it cannot be paused.")
	}
	return nil
}

// ResumeBulkJob moves the user's paused job back to the state it was paused
// in, with one conditional UPDATE, and returns it.
func (s *Store) ResumeBulkJob(ctx context.Context, tenantID, userID, id string) (flowdeck.BulkJob, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE bulk_jobs SET state = paused_from, paused_from = '', message = '', updated_at = $1
		WHERE id = $2 AND tenant_id = $3 AND user_id = $4 AND state = 'paused' AND paused_from IN ('resolving', 'running')`,
		s.tv(s.now()), id, tenantID, userID)
	if err != nil {
		return flowdeck.BulkJob{}, s.dbError("resume bulk job", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return flowdeck.BulkJob{}, s.dbError("resume bulk job", err)
	}
	j, err := s.GetBulkJob(ctx, tenantID, userID, id)
	if err != nil {
		return flowdeck.BulkJob{}, err
	}
	if n == 0 {
		return flowdeck.BulkJob{}, flowdeck.Errorf(flowdeck.ErrConflict, "That job is %s, not paused; there is nothing to resume.", j.State)
	}
	return j, nil
}

// ExpirePausedBulkJobs ends jobs paused for longer than olderThan, each in
// its own transaction: the job is done only if it is still paused (a resume
// of the meantime wins), and then its pending items are failed.
func (s *Store) ExpirePausedBulkJobs(ctx context.Context, olderThan time.Duration, limit int, jobMessage, code, itemMessage string) (int, error) {
	ids, err := s.jobIDs(ctx, "list paused bulk jobs", flowdeck.JobPaused, olderThan, limit)
	if err != nil {
		return 0, err
	}
	ended := 0
	for _, id := range ids {
		ok, err := s.expireJob(ctx, id, jobMessage, code, itemMessage)
		if err != nil {
			return ended, err
		}
		if ok {
			ended++
		}
	}
	return ended, nil
}

// expireJob ends one paused job and fails its pending items.
func (s *Store) expireJob(ctx context.Context, id, jobMessage, code, itemMessage string) (bool, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return false, s.dbError("end paused bulk job", err)
	}
	defer tx.Rollback()
	now := s.tv(s.now())
	res, err := tx.ExecContext(ctx, `UPDATE bulk_jobs SET state = 'done', paused_from = '', message = $1, updated_at = $2
		WHERE id = $3 AND state = 'paused'`, jobMessage, now, id)
	if err != nil {
		return false, s.dbError("end paused bulk job", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return false, s.dbError("end paused bulk job", err)
		}
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE bulk_items SET state = 'failed', code = $1, message = $2, updated_at = $3
		WHERE job_id = $4 AND state = 'pending'`, code, itemMessage, now, id); err != nil {
		return false, s.dbError("end paused bulk job", err)
	}
	if err := tx.Commit(); err != nil {
		return false, s.dbError("end paused bulk job", err)
	}
	return true, nil
}

// DeleteFinishedBulkJobs deletes done jobs whose last change (when they
// finished) is older than olderThan; their items go with them (ON DELETE
// CASCADE).
func (s *Store) DeleteFinishedBulkJobs(ctx context.Context, olderThan time.Duration, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	res, err := s.w.ExecContext(ctx, `DELETE FROM bulk_jobs WHERE id IN (
		SELECT id FROM bulk_jobs WHERE state = 'done' AND updated_at < $1 ORDER BY updated_at, id LIMIT $2)`,
		s.tv(s.now().Add(-olderThan)), limit)
	if err != nil {
		return 0, s.dbError("delete finished bulk jobs", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.dbError("delete finished bulk jobs", err)
	}
	return int(n), nil
}

// jobIDs returns up to limit ids of jobs in state whose last change is
// older than olderThan, oldest first.
func (s *Store) jobIDs(ctx context.Context, op, state string, olderThan time.Duration, limit int) ([]string, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM bulk_jobs WHERE state = $1 AND updated_at < $2 ORDER BY updated_at, id LIMIT $3`,
		state, s.tv(s.now().Add(-olderThan)), limit)
	if err != nil {
		return nil, s.dbError(op, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.dbError(op, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError(op, err)
	}
	return ids, nil
}
