package sqlstore

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"time"
)

// EvictAccessToken forgets the access token of (tenant, user, audience) if it
// is still accessToken, keeping the refresh token, and reports whether it did.
// The row is changed only if its sealed access token is the one read: every
// seal has a fresh nonce, so a token written in the meantime (by another
// replica) is never overwritten. The evicted row expires at the Unix epoch,
// so the broker renews it with its refresh token.
func (s *Store) EvictAccessToken(ctx context.Context, tenantID, userID, audience, accessToken string) (bool, error) {
	if tenantID == "" || userID == "" || audience == "" || accessToken == "" {
		return false, invalid("Evicting a token needs a tenant, a user, an audience and the token.")
	}
	var sealed []byte
	err := s.r.QueryRowContext(ctx, `
		SELECT access_token_sealed FROM delegated_tokens WHERE tenant_id = $1 AND user_id = $2 AND audience = $3`,
		tenantID, userID, audience).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, s.dbError("read token to evict", err)
	}
	plain, err := s.keys.Open(sealed, tokenAD(tenantID, userID, audience, fieldAccessToken))
	if err != nil {
		return false, err
	}
	if subtle.ConstantTimeCompare(plain, []byte(accessToken)) != 1 {
		return false, nil
	}
	empty, err := s.keys.Seal(nil, tokenAD(tenantID, userID, audience, fieldAccessToken))
	if err != nil {
		return false, err
	}
	res, err := s.w.ExecContext(ctx, `
		UPDATE delegated_tokens SET access_token_sealed = $1, expires_at = $2, updated_at = $3
		WHERE tenant_id = $4 AND user_id = $5 AND audience = $6 AND access_token_sealed = $7`,
		empty, s.tv(time.Unix(0, 0)), s.tv(s.now()), tenantID, userID, audience, sealed)
	if err != nil {
		return false, s.dbError("evict token", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.dbError("evict token", err)
	}
	return n == 1, nil
}
