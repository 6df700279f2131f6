package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Field names bound into the additional data of sealed token fields.
const (
	fieldAccessToken  = "access_token"
	fieldRefreshToken = "refresh_token"
)

// tokenAD binds a sealed token field to its row and field.
func tokenAD(tenantID, userID, audience, field string) []byte {
	return rowAD("flowdeck.delegated_token.v1", tenantID, userID, audience, field)
}

// PutToken inserts or replaces the token for (tenant, user, audience). The
// access and refresh tokens are sealed with the keyring's primary key; scopes
// are stored space-separated, as OAuth writes them.
func (s *Store) PutToken(ctx context.Context, t flowdeck.DelegatedToken) error {
	if t.TenantID == "" || t.UserID == "" || t.Audience == "" {
		return invalid("A token needs a tenant, a user and an audience.")
	}
	access, err := s.keys.Seal([]byte(t.AccessToken), tokenAD(t.TenantID, t.UserID, t.Audience, fieldAccessToken))
	if err != nil {
		return err
	}
	refresh, err := s.keys.Seal([]byte(t.RefreshToken), tokenAD(t.TenantID, t.UserID, t.Audience, fieldRefreshToken))
	if err != nil {
		return err
	}
	_, err = s.w.ExecContext(ctx, `
		INSERT INTO delegated_tokens (tenant_id, user_id, audience, access_token_sealed, refresh_token_sealed, scopes, expires_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (tenant_id, user_id, audience) DO UPDATE SET
			access_token_sealed = excluded.access_token_sealed,
			refresh_token_sealed = excluded.refresh_token_sealed,
			scopes = excluded.scopes,
			expires_at = excluded.expires_at,
			updated_at = excluded.updated_at`,
		t.TenantID, t.UserID, t.Audience, access, refresh, strings.Join(t.Scopes, " "), s.tv(t.ExpiresAt), s.tv(s.now()))
	if err != nil {
		return s.dbError("put token", err)
	}
	return nil
}

// GetToken returns the token for (tenant, user, audience), or ErrNotFound. A
// token that cannot be decrypted is ErrMisconfigured.
func (s *Store) GetToken(ctx context.Context, tenantID, userID, audience string) (flowdeck.DelegatedToken, error) {
	t := flowdeck.DelegatedToken{TenantID: tenantID, UserID: userID, Audience: audience}
	var access, refresh []byte
	var scopes string
	err := s.r.QueryRowContext(ctx, `
		SELECT access_token_sealed, refresh_token_sealed, scopes, expires_at, updated_at
		FROM delegated_tokens WHERE tenant_id = $1 AND user_id = $2 AND audience = $3`,
		tenantID, userID, audience).Scan(&access, &refresh, &scopes, timeValue{&t.ExpiresAt}, timeValue{&t.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return flowdeck.DelegatedToken{}, notFound("The token")
	}
	if err != nil {
		return flowdeck.DelegatedToken{}, s.dbError("get token", err)
	}
	a, err := s.keys.Open(access, tokenAD(tenantID, userID, audience, fieldAccessToken))
	if err != nil {
		return flowdeck.DelegatedToken{}, err
	}
	r, err := s.keys.Open(refresh, tokenAD(tenantID, userID, audience, fieldRefreshToken))
	if err != nil {
		return flowdeck.DelegatedToken{}, err
	}
	t.AccessToken, t.RefreshToken = string(a), string(r)
	t.Scopes = strings.Fields(scopes)
	if len(t.Scopes) == 0 {
		t.Scopes = nil
	}
	return t, nil
}

// DeleteTokens removes every token of the user. Deleting nothing is not an error.
func (s *Store) DeleteTokens(ctx context.Context, tenantID, userID string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM delegated_tokens WHERE tenant_id = $1 AND user_id = $2`, tenantID, userID); err != nil {
		return s.dbError("delete tokens", err)
	}
	return nil
}
