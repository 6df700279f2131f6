package revocation

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestRevoked(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 500_000_000, time.UTC)
	var l List
	tok := func(tid, oid string, iat time.Time) jwt.MapClaims {
		c := jwt.MapClaims{"tid": tid, "oid": oid}
		if !iat.IsZero() {
			c["iat"] = float64(iat.Unix()) // as JSON decodes it
		}
		return c
	}
	if _, r := l.Revoked(tok("T", "U", at.Add(-time.Hour))); r {
		t.Fatal("a token is revoked before any revocation")
	}
	l.Revoke("T", "U", at)
	l.Revoke("T", "U", at.Add(-time.Hour)) // an older revocation does not move the time back
	for _, tc := range []struct {
		name   string
		claims jwt.MapClaims
		want   bool
	}{
		{"issued before", tok("t", "u", at.Add(-time.Minute)), true},
		{"issued in the same second", tok("T", "U", at.Truncate(time.Second)), true},
		{"issued the next second", tok("T", "U", at.Truncate(time.Second).Add(time.Second)), false},
		{"no iat", tok("T", "U", time.Time{}), true},
		{"another user", tok("T", "V", at.Add(-time.Minute)), false},
		{"another tenant", tok("X", "U", at.Add(-time.Minute)), false},
	} {
		if _, got := l.Revoked(tc.claims); got != tc.want {
			t.Errorf("%s: revoked %v, want %v", tc.name, got, tc.want)
		}
	}
	if from, _ := l.Revoked(tok("T", "U", at)); !from.Equal(at.Truncate(time.Second).Add(time.Second)) {
		t.Errorf("valid from %v", from)
	}
	l.RevokeBefore("T", "W", at.Add(time.Hour)) // in the future: fresh tokens are refused too
	if _, r := l.Revoked(tok("T", "W", at.Add(time.Minute))); !r {
		t.Error("RevokeBefore a future time let a fresh token through")
	}
	l.Clear()
	if _, r := l.Revoked(tok("T", "U", at.Add(-time.Minute))); r {
		t.Error("Clear kept a revocation")
	}
}
