package main

import (
	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"

	"github.com/flowdeck/flowdeck/internal/localcloud"

	"crypto/sha1" //nolint:gosec // the portal's thumbprint
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
)

// certEnv is doctorEnv with a certificate in place of the secret.
func certEnv(t *testing.T, f *localcloud.Stack, cert *fakeca.ClientCert) map[string]string {
	t.Helper()
	env := doctorEnv(t, f)
	file := filepath.Join(t.TempDir(), "flowdeck.pem")
	if err := os.WriteFile(file, cert.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	delete(env, "FLOWDECK_CLIENT_SECRET")
	env["FLOWDECK_CLIENT_CERT_FILE"] = file
	return env
}

func newClientCert(t *testing.T, name string, life time.Duration) *fakeca.ClientCert {
	t.Helper()
	now := time.Now()
	c, err := fakeca.NewClientCert(name, now.Add(-time.Hour), now.Add(life))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDoctorWithCertificateCredential: doctor obtains the app-only token
// with FLOWDECK_CLIENT_CERT_FILE (the app has no secret left at the fake
// Entra ID); an unregistered certificate fails with Entra's reason and the
// thumbprint to look for in the portal; one that ends within 30 days fails
// with the renewal steps. The private key is never printed.
func TestDoctorWithCertificateCredential(t *testing.T) {
	f := startStack(t)
	good := newClientCert(t, "FlowDeck", 365*24*time.Hour)
	if err := f.Cloud.Entra.AddCertificate(demo.ClientID, good.Cert); err != nil {
		t.Fatal(err)
	}
	if err := f.Cloud.Entra.RemoveSecret(demo.ClientID, demo.ClientSecret); err != nil {
		t.Fatal(err)
	}
	t.Run("registered", func(t *testing.T) {
		before := f.Cloud.Entra.AssertionCount()
		code, stdout, stderr := runCLI(t, certEnv(t, f, good), "doctor")
		if code != exitOK {
			t.Fatalf("doctor exit %d\n%s\n%s", code, stdout, stderr)
		}
		for _, want := range []string{"ok    the client certificate is valid for 30 days or more", "ok    the app's credential obtains an app-only token", "All checks passed."} {
			if !strings.Contains(stdout, want) {
				t.Errorf("doctor output lacks %q:\n%s", want, stdout)
			}
		}
		if f.Cloud.Entra.AssertionCount() != before+1 {
			t.Errorf("client assertions accepted: %d, want 1", f.Cloud.Entra.AssertionCount()-before)
		}
		if strings.Contains(stdout, "PRIVATE KEY") {
			t.Error("doctor printed the private key")
		}
	})
	t.Run("not registered", func(t *testing.T) {
		other := newClientCert(t, "FlowDeck old", 365*24*time.Hour)
		code, stdout, _ := runCLI(t, certEnv(t, f, other), "doctor")
		sum := sha1.Sum(other.Cert.Raw) //nolint:gosec // the portal's thumbprint
		thumb := strings.ToUpper(hex.EncodeToString(sum[:]))
		if code != exitFailure || !strings.Contains(stdout, "FAIL  the app's credential obtains an app-only token") ||
			!strings.Contains(stdout, "AADSTS700027") || !strings.Contains(stdout, "upload this certificate") ||
			!strings.Contains(stdout, thumb) {
			t.Errorf("exit %d, want a failure naming AADSTS700027, the upload and thumbprint %s:\n%s", code, thumb, stdout)
		}
	})
	t.Run("ends within 30 days", func(t *testing.T) {
		soon := newClientCert(t, "FlowDeck soon", 10*24*time.Hour)
		if err := f.Cloud.Entra.AddCertificate(demo.ClientID, soon.Cert); err != nil {
			t.Fatal(err)
		}
		code, stdout, _ := runCLI(t, certEnv(t, f, soon), "doctor")
		if code != exitFailure || !strings.Contains(stdout, "FAIL  the client certificate is valid for 30 days or more") ||
			!strings.Contains(stdout, "upload its successor") || !strings.Contains(stdout, "ok    the app's credential obtains an app-only token") {
			t.Errorf("exit %d:\n%s", code, stdout)
		}
	})
}

// TestDoctorChecksTeamsSSOWiring: an Application ID URI that Teams would not
// match with the manifest, the public host or the client id fails doctor,
// saying what it must read.
func TestDoctorChecksTeamsSSOWiring(t *testing.T) {
	f := startStack(t)
	host := f.Main.Config.PublicURL.Host
	for name, uri := range map[string]string{
		"another host":        "api://flowdeck.fabrikam.com/botid-" + demo.ClientID,
		"host in upper case":  "api://" + strings.ToUpper("flowdeck.contoso.com") + "/botid-" + demo.ClientID,
		"without botid-":      "api://" + host + "/" + demo.ClientID,
		"another app's botid": "api://" + host + "/botid-11111111-2222-4333-8444-555555555555",
	} {
		t.Run(name, func(t *testing.T) {
			env := doctorEnv(t, f)
			env["FLOWDECK_APP_ID_URI"] = uri
			code, stdout, _ := runCLI(t, env, "doctor")
			if code != exitFailure || !strings.Contains(stdout, "FAIL  Teams SSO wiring") || !strings.Contains(stdout, "api://"+host+"/botid-"+demo.ClientID) {
				t.Errorf("exit %d:\n%s", code, stdout)
			}
		})
	}
}

// TestDoctorRefusesANonGUIDClientID: the client id is the bot id and
// webApplicationInfo.id, both GUIDs; doctor stops at the configuration.
func TestDoctorRefusesANonGUIDClientID(t *testing.T) {
	f := startStack(t)
	env := doctorEnv(t, f)
	env["FLOWDECK_CLIENT_ID"] = "flowdeck-bot"
	code, _, stderr := runCLI(t, env, "doctor")
	if code != exitUsage || !strings.Contains(stderr, "FLOWDECK_CLIENT_ID must be a GUID") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// TestDoctorChecksBotFrameworkMetadata: channel-token metadata that cannot
// be fetched fails doctor, naming the setting.
func TestDoctorChecksBotFrameworkMetadata(t *testing.T) {
	f := startStack(t)
	env := doctorEnv(t, f)
	ln := localtest.MustListen(t)
	env["FLOWDECK_BOT_OPENID_METADATA_URL"] = "https://" + ln.Addr().String() + "/v1/.well-known/openidconfiguration"
	ln.Close()
	code, stdout, _ := runCLI(t, env, "doctor")
	if code != exitFailure || !strings.Contains(stdout, "FAIL  the Bot Framework's OpenID metadata answers") || !strings.Contains(stdout, "FLOWDECK_BOT_OPENID_METADATA_URL") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}
