package sqlstore

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkClaimActivity is the replay protection's cost per inbound
// activity: one claim of a new key, from 16 goroutines at once as the
// endpoint claims them.
func BenchmarkClaimActivity(b *testing.B) {
	benchStores(b, func(b *testing.B, s *Store) {
		var n atomic.Int64
		until := time.Now().Add(time.Hour)
		b.SetParallelism(8) // 16 goroutines on 2 cores
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := s.ClaimActivity(b.Context(), fmt.Sprintf("activity:msteams:a:%d:1", n.Add(1)), until); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
