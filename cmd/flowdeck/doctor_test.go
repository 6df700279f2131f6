package main

import (
	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"

	"github.com/flowdeck/flowdeck/internal/localcloud"

	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// doctorEnv is the environment of a deployment pointed at the fixture's fakes.
func doctorEnv(t *testing.T, f *localcloud.Stack) map[string]string {
	t.Helper()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, f.Cloud.CA.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	// The fake Bot Connector serves the Bot Framework's channel-token metadata.
	conn, err := connector.New(connector.Options{CA: f.Cloud.CA, Keyfunc: f.Cloud.Entra.Keyfunc, BotID: demo.ClientID})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := f.Main.Config
	return map[string]string{
		"FLOWDECK_BOT_OPENID_METADATA_URL": conn.MetadataURL(),
		"FLOWDECK_PUBLIC_URL":              c.PublicURL.String(),
		"FLOWDECK_TENANT_ID":               demo.TenantID,
		"FLOWDECK_CLIENT_ID":               demo.ClientID,
		"FLOWDECK_CLIENT_SECRET":           demo.ClientSecret,
		"FLOWDECK_ENCRYPTION_KEY":          "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
		"FLOWDECK_AUTHORITY_URL":           f.Cloud.Entra.URL(),
		"FLOWDECK_CA_FILE":                 ca,
		"FLOWDECK_DATA_DIR":                t.TempDir(),
	}
}

func TestDoctorPassesAgainstTheLocalCloud(t *testing.T) {
	f := startStack(t)
	code, stdout, stderr := runCLI(t, doctorEnv(t, f), "doctor")
	if code != exitOK {
		t.Fatalf("doctor exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"ok    the Entra authority answers",
		"ok    the Entra authority publishes the signing keys of Teams SSO tokens",
		"ok    the Bot Framework's OpenID metadata answers",
		"ok    Teams SSO wiring: webApplicationInfo = {client id, api://" + f.Main.Config.PublicURL.Host + "/botid-" + demo.ClientID + "}",
		"[ ] Azure Bot: no OAuth connection setting",
		"ok    the app's credential obtains an app-only token",
		"ok    FlowDeck answers on its public URL",
		"FLOWDECK_CLIENT_SECRET=[redacted]",
		"Application ID URI api://" + f.Main.Config.PublicURL.Host + "/botid-" + demo.ClientID,
		"Flows.Manage.All",
		"1fec8e78-bce4-4aaf-ab1b-5451cc387264",
		"/v2.0/adminconsent?client_id=" + demo.ClientID,
		// The scope keeps the audience's slash: aud is the resource exactly.
		"https://service.flow.microsoft.com//.default  (aud https://service.flow.microsoft.com/)",
		"https://service.powerapps.com//.default  (aud https://service.powerapps.com/)",
		"scope=https%3A%2F%2Fservice.flow.microsoft.com%2F%2F.default",
		"All checks passed.",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, demo.ClientSecret) {
		t.Error("doctor printed the client secret")
	}
}

func TestDoctorFailsClearly(t *testing.T) {
	f := startStack(t)
	t.Run("wrong secret", func(t *testing.T) {
		env := doctorEnv(t, f)
		env["FLOWDECK_CLIENT_SECRET"] = "not-the-secret"
		code, stdout, _ := runCLI(t, env, "doctor")
		if code != exitFailure || !strings.Contains(stdout, "FAIL  the app's credential obtains an app-only token") {
			t.Errorf("exit %d:\n%s", code, stdout)
		}
		if strings.Contains(stdout, "not-the-secret") {
			t.Error("doctor printed the secret")
		}
	})
	t.Run("unreachable authority", func(t *testing.T) {
		env := doctorEnv(t, f)
		ln := localtest.MustListen(t)
		dead := "https://" + ln.Addr().String()
		ln.Close()
		env["FLOWDECK_AUTHORITY_URL"] = dead
		code, stdout, _ := runCLI(t, env, "doctor")
		if code != exitFailure || !strings.Contains(stdout, "FAIL  the Entra authority answers") || !strings.Contains(stdout, "cannot reach") {
			t.Errorf("exit %d:\n%s", code, stdout)
		}
	})
	t.Run("public URL not FlowDeck", func(t *testing.T) {
		env := doctorEnv(t, f)
		u, _ := url.Parse(f.Cloud.Entra.URL())
		env["FLOWDECK_PUBLIC_URL"] = "https://" + u.Host
		code, stdout, _ := runCLI(t, env, "doctor")
		if code != exitFailure || !strings.Contains(stdout, "FAIL  FlowDeck answers on its public URL") {
			t.Errorf("exit %d:\n%s", code, stdout)
		}
	})
	t.Run("bad configuration", func(t *testing.T) {
		code, _, stderr := runCLI(t, map[string]string{"FLOWDECK_CLOUD": "mars"}, "doctor")
		if code != exitUsage || !strings.Contains(stderr, "FLOWDECK_CLOUD") {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
}

// startStack runs FlowDeck on its local cloud for the length of the test:
// the deployment doctor checks.
func startStack(t *testing.T) *localcloud.Stack {
	t.Helper()
	s, err := localcloud.StartStack(t.Context(), localcloud.StackOptions{Config: localtest.Config(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
