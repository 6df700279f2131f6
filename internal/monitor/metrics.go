package monitor

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the monitor's Prometheus metrics.
type Metrics struct {
	// Cycles counts user cycles by outcome (ok, partial, throttled, failed, signin).
	Cycles *prometheus.CounterVec
	// TickSeconds observes how long one tick (every due user) took.
	TickSeconds prometheus.Histogram
	// Notifications counts cards by kind (alert, update, recovered, notice,
	// approval, reminder, digest, signin) and outcome (sent, deduplicated, failed).
	Notifications *prometheus.CounterVec
	// Shards is how many shard leases this replica holds.
	Shards prometheus.Gauge
}

// NewMetrics creates the monitor's metrics and registers them.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		Cycles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "flowdeck_monitor_user_cycles_total",
			Help: "Monitor cycles of one user by outcome (ok, partial, throttled, failed, signin).",
		}, []string{"outcome"}),
		TickSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "flowdeck_monitor_tick_seconds",
			Help:    "Time one monitor tick took to work on every due user of the replica's shards.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300},
		}),
		Notifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "flowdeck_notifications_total",
			Help: "Proactive cards by kind and outcome (sent, deduplicated, failed).",
		}, []string{"kind", "outcome"}),
		Shards: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "flowdeck_monitor_shards_held",
			Help: "Monitor shards whose lease this replica holds.",
		}),
	}
	for _, c := range []prometheus.Collector{m.Cycles, m.TickSeconds, m.Notifications, m.Shards} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Monitor) countCycle(outcome string) {
	if m.o.Metrics != nil {
		m.o.Metrics.Cycles.WithLabelValues(outcome).Inc()
	}
}

func (m *Monitor) countNote(kind, outcome string) {
	if m.o.Metrics != nil {
		m.o.Metrics.Notifications.WithLabelValues(kind, outcome).Inc()
	}
}
