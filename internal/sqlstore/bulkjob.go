package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// jobColumns are bulk_jobs' columns as jobDest scans them, with the counts
// of the job's items after them (jobFrom joins and groups).
const jobColumns = `j.id, j.tenant_id, j.user_id, j.idem_key, j.kind, j.scope, j.env, j.flow_id, j.flow_name,
	j.window_since, j.window_until, j.retry_of, j.state, j.message, j.capped, j.created_at, j.updated_at,
	COUNT(i.run_id),
	COALESCE(SUM(CASE WHEN i.state IN ('ok', 'failed', 'unknown') THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN i.state = 'ok' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN i.state = 'failed' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN i.state = 'unknown' THEN 1 ELSE 0 END), 0)`

// jobFrom is the FROM clause of jobColumns; a query adds its WHERE before
// jobGroup.
const (
	jobFrom  = ` FROM bulk_jobs j LEFT JOIN bulk_items i ON i.job_id = j.id `
	jobGroup = ` GROUP BY j.id, j.tenant_id, j.user_id, j.idem_key, j.kind, j.scope, j.env, j.flow_id, j.flow_name,
	j.window_since, j.window_until, j.retry_of, j.state, j.message, j.capped, j.created_at, j.updated_at `
)

func jobDest(j *flowdeck.BulkJob) []any {
	return []any{&j.ID, &j.TenantID, &j.UserID, &j.Key, &j.Kind, &j.Scope, &j.Env, &j.FlowID, &j.FlowName,
		timeValue{&j.Since}, timeValue{&j.Until}, &j.RetryOf, &j.State, &j.Message, &j.Capped, timeValue{&j.CreatedAt}, timeValue{&j.UpdatedAt},
		&j.Total, &j.Done, &j.OK, &j.Failed, &j.Unknown}
}

// itemBatch is how many items one INSERT carries.
const itemBatch = 100

// CreateBulkJob stores j and its pending items in one transaction, or returns
// the user's job with the same key (and false) when there is one. A new job
// starts JobResolving when its scope is ScopeFailed, JobRunning otherwise.
func (s *Store) CreateBulkJob(ctx context.Context, j flowdeck.BulkJob, items []flowdeck.BulkItem) (flowdeck.BulkJob, bool, error) {
	if j.TenantID == "" || j.UserID == "" || j.Key == "" || j.Kind == "" || j.Scope == "" {
		return flowdeck.BulkJob{}, false, invalid("A bulk job needs a user, a key, a kind and a scope.")
	}
	if j.ID == "" {
		j.ID = uuid.NewString()
	}
	j.State = flowdeck.JobRunning
	if j.Scope == flowdeck.ScopeFailed {
		j.State = flowdeck.JobResolving
	}
	now := s.now()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return flowdeck.BulkJob{}, false, s.dbError("create bulk job", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `
		INSERT INTO bulk_jobs (id, tenant_id, user_id, idem_key, kind, scope, env, flow_id, flow_name,
			window_since, window_until, retry_of, state, capped, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
		ON CONFLICT (tenant_id, user_id, idem_key) DO NOTHING`,
		j.ID, j.TenantID, j.UserID, j.Key, j.Kind, j.Scope, j.Env, j.FlowID, j.FlowName,
		s.tv(j.Since), s.tv(j.Until), j.RetryOf, j.State, false, s.tv(now))
	if err != nil {
		return flowdeck.BulkJob{}, false, s.dbError("create bulk job", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return flowdeck.BulkJob{}, false, s.dbError("create bulk job", err)
	} else if n == 0 {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM bulk_jobs WHERE tenant_id = $1 AND user_id = $2 AND idem_key = $3`,
			j.TenantID, j.UserID, j.Key).Scan(&id)
		if err != nil {
			return flowdeck.BulkJob{}, false, s.dbError("create bulk job", err)
		}
		if err := tx.Rollback(); err != nil {
			return flowdeck.BulkJob{}, false, s.dbError("create bulk job", err)
		}
		got, err := s.GetBulkJob(ctx, j.TenantID, j.UserID, id)
		return got, false, err
	}
	if err := s.insertItems(ctx, tx, j.ID, items); err != nil {
		return flowdeck.BulkJob{}, false, err
	}
	if err := tx.Commit(); err != nil {
		return flowdeck.BulkJob{}, false, s.dbError("create bulk job", err)
	}
	got, err := s.GetBulkJob(ctx, j.TenantID, j.UserID, j.ID)
	return got, true, err
}

// insertItems inserts items as pending, itemBatch rows a statement, leaving
// a run the job has already as it is.
func (s *Store) insertItems(ctx context.Context, tx *sql.Tx, jobID string, items []flowdeck.BulkItem) error {
	for len(items) > 0 {
		n := min(len(items), itemBatch)
		var b strings.Builder
		args := make([]any, 0, 3*n+2)
		args = append(args, jobID, s.tv(s.now()))
		b.WriteString(`INSERT INTO bulk_items (job_id, run_id, start_time, status, state, code, message, updated_at) VALUES `)
		for k, it := range items[:n] {
			if k > 0 {
				b.WriteString(", ")
			}
			p := len(args)
			args = append(args, it.RunID, s.tv(it.Start), it.Status)
			b.WriteString("($1, $" + strconv.Itoa(p+1) + ", $" + strconv.Itoa(p+2) + ", $" + strconv.Itoa(p+3) + ", 'pending', '', '', $2)")
		}
		b.WriteString(` ON CONFLICT (job_id, run_id) DO NOTHING`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return s.dbError("add bulk items", err)
		}
		items = items[n:]
	}
	return nil
}

// GetBulkJob returns the user's job with its counts, or ErrNotFound.
func (s *Store) GetBulkJob(ctx context.Context, tenantID, userID, id string) (flowdeck.BulkJob, error) {
	var j flowdeck.BulkJob
	err := s.r.QueryRowContext(ctx, `SELECT `+jobColumns+jobFrom+`WHERE j.id = $1 AND j.tenant_id = $2 AND j.user_id = $3`+jobGroup,
		id, tenantID, userID).Scan(jobDest(&j)...)
	if errors.Is(err, sql.ErrNoRows) {
		return flowdeck.BulkJob{}, notFound("The bulk job")
	}
	if err != nil {
		return flowdeck.BulkJob{}, s.dbError("get bulk job", err)
	}
	return j, nil
}

// ListBulkJobs returns the user's limit most recent jobs, newest first.
func (s *Store) ListBulkJobs(ctx context.Context, tenantID, userID string, limit int) ([]flowdeck.BulkJob, error) {
	return s.listJobs(ctx, "list bulk jobs", `WHERE j.tenant_id = $1 AND j.user_id = $2`+jobGroup+`ORDER BY j.created_at DESC, j.id LIMIT $3`,
		tenantID, userID, max(limit, 0))
}

// UnfinishedBulkJobs returns up to limit jobs resolving or running, oldest first.
func (s *Store) UnfinishedBulkJobs(ctx context.Context, limit int) ([]flowdeck.BulkJob, error) {
	return s.listJobs(ctx, "list unfinished bulk jobs", `WHERE j.state IN ('resolving', 'running')`+jobGroup+`ORDER BY j.created_at, j.id LIMIT $1`, max(limit, 0))
}

func (s *Store) listJobs(ctx context.Context, op, where string, args ...any) ([]flowdeck.BulkJob, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+jobColumns+jobFrom+where, args...)
	if err != nil {
		return nil, s.dbError(op, err)
	}
	defer rows.Close()
	var out []flowdeck.BulkJob
	for rows.Next() {
		var j flowdeck.BulkJob
		if err := rows.Scan(jobDest(&j)...); err != nil {
			return nil, s.dbError(op, err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError(op, err)
	}
	return out, nil
}

// BulkItems returns the job's items, newest start first.
func (s *Store) BulkItems(ctx context.Context, jobID string) ([]flowdeck.BulkItem, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT job_id, run_id, start_time, status, state, code, message, updated_at
		FROM bulk_items WHERE job_id = $1 ORDER BY start_time DESC, run_id`, jobID)
	if err != nil {
		return nil, s.dbError("list bulk items", err)
	}
	defer rows.Close()
	var out []flowdeck.BulkItem
	for rows.Next() {
		var it flowdeck.BulkItem
		if err := rows.Scan(&it.JobID, &it.RunID, timeValue{&it.Start}, &it.Status, &it.State, &it.Code, &it.Message, timeValue{&it.UpdatedAt}); err != nil {
			return nil, s.dbError("list bulk items", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError("list bulk items", err)
	}
	return out, nil
}

// AddBulkItems adds pending items to a job, leaving runs it has alone.
func (s *Store) AddBulkItems(ctx context.Context, jobID string, items []flowdeck.BulkItem) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.dbError("add bulk items", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM bulk_jobs WHERE id = $1`, jobID).Scan(&n); err != nil {
		return s.dbError("add bulk items", err)
	}
	if n == 0 {
		return notFound("The bulk job")
	}
	if err := s.insertItems(ctx, tx, jobID, items); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.dbError("add bulk items", err)
	}
	return nil
}

// SetBulkJobState moves the job to state.
func (s *Store) SetBulkJobState(ctx context.Context, jobID, state string, capped bool, message string) error {
	switch state {
	case flowdeck.JobResolving, flowdeck.JobRunning, flowdeck.JobDone:
	default:
		return invalid("A bulk job is resolving, running or done.")
	}
	res, err := s.w.ExecContext(ctx, `UPDATE bulk_jobs SET state = $1, capped = $2, message = $3, updated_at = $4 WHERE id = $5`,
		state, capped, message, s.tv(s.now()), jobID)
	if err != nil {
		return s.dbError("set bulk job state", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.dbError("set bulk job state", err)
	} else if n == 0 {
		return notFound("The bulk job")
	}
	return nil
}

// ClaimBulkItem moves a pending item to working with one conditional UPDATE,
// so that of concurrent claims exactly one affects the row.
func (s *Store) ClaimBulkItem(ctx context.Context, jobID, runID string) (bool, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE bulk_items SET state = 'working', updated_at = $1
		WHERE job_id = $2 AND run_id = $3 AND state = 'pending'`, s.tv(s.now()), jobID, runID)
	if err != nil {
		return false, s.dbError("claim bulk item", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.dbError("claim bulk item", err)
	}
	return n == 1, nil
}

// FinishBulkItem records the result of a working or unknown item.
func (s *Store) FinishBulkItem(ctx context.Context, jobID, runID, state, code, message string) error {
	if state != flowdeck.ItemOK && state != flowdeck.ItemFailed {
		return invalid("A run's result is ok or failed.")
	}
	_, err := s.w.ExecContext(ctx, `UPDATE bulk_items SET state = $1, code = $2, message = $3, updated_at = $4
		WHERE job_id = $5 AND run_id = $6 AND state IN ('working', 'unknown')`,
		state, code, message, s.tv(s.now()), jobID, runID)
	if err != nil {
		return s.dbError("finish bulk item", err)
	}
	return nil
}

// AbandonBulkItems marks the job's working items unknown.
func (s *Store) AbandonBulkItems(ctx context.Context, jobID string) (int, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE bulk_items SET state = 'unknown', updated_at = $1
		WHERE job_id = $2 AND state = 'working'`, s.tv(s.now()), jobID)
	if err != nil {
		return 0, s.dbError("abandon bulk items", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.dbError("abandon bulk items", err)
	}
	return int(n), nil
}
