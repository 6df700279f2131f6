package cardaction

import "github.com/prometheus/client_golang/prometheus"

// Update results counted in Metrics.Updates.
const (
	updateOK      = "ok"
	updateFailed  = "failed"
	updateDropped = "dropped"
)

// Metrics are the card-action router's Prometheus metrics.
type Metrics struct {
	// Updates counts the background updates of a card in place, by result:
	// ok, failed (the Bot Connector refused or timed out), dropped (too
	// many waiting, no worker free in time, or shutting down).
	Updates *prometheus.CounterVec
}

// NewMetrics creates the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{Updates: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "flowdeck_card_updates_total",
		Help: "Background updates of a card in place after a card action, by result (ok, failed, dropped).",
	}, []string{"result"})}
	if err := reg.Register(m.Updates); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Metrics) count(result string) {
	if m != nil {
		m.Updates.WithLabelValues(result).Inc()
	}
}
