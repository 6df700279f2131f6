package app

import (
	"time"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/bulkjob"
	"github.com/flowdeck/flowdeck/internal/cardaction"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/monitor"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

// Parts are the running parts of a Main, for what stands beside the service
// and uses them through their ordinary interfaces: the dev command's demo
// seed and the system tests. Production wiring never reads them.
type Parts struct {
	// Store is the opened, migrated store.
	Store *sqlstore.Store
	// Broker holds the users' delegated tokens (On-Behalf-Of exchange).
	Broker *identity.Broker
	// Verifier verifies Teams SSO tokens.
	Verifier *identity.Verifier
	// Channel verifies the Bot Framework channel tokens.
	Channel *botframework.ChannelVerifier
	// Consent runs the sign-in and consent flow.
	Consent *identity.Consent
	// Ops is what the surfaces ask of Power Platform.
	Ops *ops.Service
	// CardActions is the card-action router: it answers card actions and
	// posts proactive cards.
	CardActions *cardaction.Router
	// Connector is the Bot Connector client.
	Connector *botframework.Client
	// Monitor is the background monitor.
	Monitor *monitor.Monitor
	// Jobs is the bulk-job worker.
	Jobs *bulkjob.Worker
}

// Parts returns m's running parts; zero before Run and after Close.
func (m *Main) Parts() Parts {
	if m.services == nil {
		return Parts{}
	}
	s := m.services
	return Parts{Store: m.store, Broker: s.broker, Verifier: s.verifier, Channel: s.channel, Consent: s.consent, Ops: s.ops,
		CardActions: s.router, Connector: s.conn, Monitor: s.monitor, Jobs: s.jobs}
}

// ForgetReadiness makes the next /readyz check the sign-in authority again
// instead of answering from its cache.
func (m *Main) ForgetReadiness() {
	if m.services == nil {
		return
	}
	r := m.services.ready
	r.mu.Lock()
	r.checked = time.Time{}
	r.mu.Unlock()
}
