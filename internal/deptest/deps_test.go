package deptest

import "testing"

// The module-wide rules: who may import Echo, the database drivers, and the fakes.
func TestImportRules(t *testing.T) {
	t.Run("only server imports Echo", func(t *testing.T) {
		OnlyImportedBy(t, []string{"github.com/labstack/echo/v4"}, Module+"/internal/server")
	})
	t.Run("only sqlstore imports database drivers", func(t *testing.T) {
		OnlyImportedBy(t, []string{"modernc.org/sqlite", "github.com/jackc/pgx/v5", "database/sql/driver", "github.com/mattn/go-sqlite3", "github.com/ncruces/go-sqlite3"}, Module+"/internal/sqlstore")
	})
	t.Run("only the local cloud, the load test, the dev command and the fakes import the fakes", func(t *testing.T) {
		OnlyImportedBy(t, []string{Module + "/internal/fakecloud"}, Module+"/cmd/flowdeck", Module+"/internal/localcloud", Module+"/internal/loadtest", Module+"/internal/fakecloud")
	})
	t.Run("only the dev command and the load test run the local cloud", func(t *testing.T) {
		OnlyImportedBy(t, []string{Module + "/internal/localcloud"}, Module+"/cmd/flowdeck", Module+"/internal/loadtest", Module+"/internal/localcloud")
	})
	t.Run("only cmd/flowdeck-load runs the load test", func(t *testing.T) {
		OnlyImportedBy(t, []string{Module + "/internal/loadtest"}, Module+"/cmd/flowdeck-load")
	})
	t.Run("nothing imports the system tests", func(t *testing.T) {
		OnlyImportedBy(t, []string{Module + "/internal/systemtest"})
	})
	t.Run("nothing imports cmd", func(t *testing.T) {
		OnlyImportedBy(t, []string{Module + "/cmd"})
	})
	t.Run("only tests import logtest", func(t *testing.T) {
		OnlyImportedBy(t, []string{Module + "/internal/logtest"})
	})
	t.Run("production code does not import testing", func(t *testing.T) {
		OnlyImportedBy(t, []string{"testing", "net/http/httptest"}, Module+"/internal/deptest", Module+"/internal/sqlstore/storetest", Module+"/internal/fakecloud", Module+"/internal/nodetest", Module+"/internal/localcloud/localtest")
	})
}

// The architecture's direction: clients get a token source and never see
// identity; the server sees ports, never stores or concrete clients; nothing
// of the domain depends on an adapter.
func TestArchitectureDirection(t *testing.T) {
	in := func(p string) string { return Module + "/internal/" + p }
	adapters := []string{in("sqlstore"), in("server"), in("identity"), in("powerautomate"), in("powerapps"), in("graph"), in("upstream"), in("fakecloud")}
	for _, client := range []string{"powerautomate", "powerapps", "graph", "upstream"} {
		Forbid(t, in(client), in("identity"), in("server"), in("sqlstore"), in("fakecloud"), "github.com/labstack/echo/v4")
	}
	Forbid(t, in("server"), in("sqlstore"), in("identity"), in("powerautomate"), in("powerapps"), in("graph"), in("upstream"), in("fakecloud"))
	Forbid(t, in("identity"), in("server"), in("sqlstore"), in("powerautomate"), in("powerapps"), in("graph"), in("fakecloud"))
	Forbid(t, in("sqlstore"), in("server"), in("identity"), in("powerautomate"), in("powerapps"), in("graph"), in("upstream"))
	// ops is the application layer: it sees the domain and its own ports only.
	Forbid(t, in("ops"), adapters...)
	Forbid(t, in("flowdeck"), adapters...)
	// The monitor sees ports: no store, client, bot or card-action package.
	Forbid(t, in("monitor"), append(adapters, in("ops"), in("cardaction"), in("bot"), in("botframework"))...)
	// The bulk-job worker likewise: ports only (ops satisfies its Runs).
	Forbid(t, in("bulkjob"), append(adapters, in("ops"), in("cardaction"), in("bot"), in("botframework"), in("monitor"))...)
	// The conversation and the card-action router see ports, and not each
	// other: the router reaches the bot's commands through its Commands port,
	// and the endpoint hands each its invokes, so neither is built from the
	// other (no construction cycle).
	Forbid(t, in("bot"), append(adapters, in("cardaction"))...)
	Forbid(t, in("cardaction"), append(adapters, in("bot"))...)
	Forbid(t, in("botframework"), append(adapters, in("bot"), in("cardaction"), in("ops"))...)
	Forbid(t, in("config"), adapters...)
	// The application is production wiring: no fake, no local cloud, no load test.
	Forbid(t, in("app"), in("fakecloud"), in("localcloud"), in("loadtest"), in("systemtest"))
	// The CLI is thin: it reads flags and configuration and runs internal/app;
	// it wires no part of the service itself.
	ImportsOnly(t, Module+"/cmd/flowdeck", in("app"), in("config"), in("identity"), in("localcloud"), in("fakecloud/demo"), Module+"/appmanifest")
	// The load generator is not in the operator's binary; its command is thin.
	Forbid(t, Module+"/cmd/flowdeck", in("loadtest"))
	ImportsOnly(t, Module+"/cmd/flowdeck-load", in("loadtest"))
}

// The rules must be able to fail: a package that does import Echo is caught.
func TestRulesCatchViolations(t *testing.T) {
	in := func(p string) string { return Module + "/internal/" + p }
	rec := &recorder{TB: t}
	OnlyImportedBy(rec, []string{"github.com/labstack/echo/v4"})
	if len(Packages(t)[Module+"/internal/server"].Imports) > 0 && !rec.failed {
		t.Error("OnlyImportedBy with no allowed package did not report internal/server's Echo import")
	}
	rec = &recorder{TB: t}
	Forbid(rec, Module+"/cmd/flowdeck", Module+"/internal/server")
	if !rec.failed {
		t.Error("Forbid did not report cmd/flowdeck's dependency on internal/server")
	}
	rec = &recorder{TB: t}
	ImportsOnly(rec, Module+"/cmd/flowdeck", in("config"))
	if !rec.failed {
		t.Error("ImportsOnly did not report cmd/flowdeck's import of internal/app")
	}
	rec = &recorder{TB: t}
	StandardOnly(rec, Module+"/internal/server")
	if !rec.failed {
		t.Error("StandardOnly(internal/server) did not report its third-party dependencies")
	}
}

type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Helper()               {}
