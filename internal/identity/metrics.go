package identity

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// BrokerMetrics are the broker's Prometheus metrics.
type BrokerMetrics struct {
	// Exchanges counts token requests to Entra ID by grant (obo, refresh_token),
	// audience and outcome (ok, or the error's code).
	Exchanges *prometheus.CounterVec
	// Cache counts Token lookups by audience and result (hit: served from
	// memory; miss: the store or an exchange was needed).
	Cache *prometheus.CounterVec
}

// NewBrokerMetrics creates the broker's metrics and registers them.
func NewBrokerMetrics(reg prometheus.Registerer) (*BrokerMetrics, error) {
	m := &BrokerMetrics{
		Exchanges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "flowdeck_token_exchanges_total",
			Help: "Token requests to Entra ID by grant (obo, refresh_token), audience and outcome.",
		}, []string{"grant", "audience", "outcome"}),
		Cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "flowdeck_token_cache_lookups_total",
			Help: "Delegated token lookups by audience and result (hit or miss of the in-memory cache).",
		}, []string{"audience", "result"}),
	}
	for _, c := range []prometheus.Collector{m.Exchanges, m.Cache} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *BrokerMetrics) exchange(grant, audience string, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = flowdeck.Code(err)
	}
	m.Exchanges.WithLabelValues(grant, audience, outcome).Inc()
}

func (m *BrokerMetrics) lookup(audience string, hit bool) {
	if m == nil {
		return
	}
	result := "miss"
	if hit {
		result = "hit"
	}
	m.Cache.WithLabelValues(audience, result).Inc()
}
