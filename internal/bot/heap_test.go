package bot

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/botframework"
)

// BenchmarkHeapStable runs 100,000 activities (help, unknown words,
// commands, across 1,000 conversations) through the endpoint and the bot on
// in-memory ports and compares the heap in use after GC at 10k and 100k.
// Run it with -benchtime=1x.
func BenchmarkHeapStable(b *testing.B) {
	for b.Loop() {
		bot := newStubBot(b)
		ep, err := botframework.NewEndpoint(botframework.EndpointOptions{Handler: bot, Verifier: tokenless{}})
		if err != nil {
			b.Fatal(err)
		}
		texts := []string{"help", "envs", "<at>FlowDeck</at> approvals", "aprovals", "runs \"x y\"", "failed 7d"}
		var at10k uint64
		for i := range 100_000 {
			conv := "a:" + strconv.Itoa(i%1000)
			body := `{"type":"message","text":"` + strings.ReplaceAll(texts[i%len(texts)], `"`, `\"`) + `","channelId":"msteams","serviceUrl":"https://x.test/",` +
				`"from":{"id":"29:` + conv + `","aadObjectId":"u` + strconv.Itoa(i%1000) + `"},"recipient":{"id":"28:1"},` +
				`"conversation":{"id":"` + conv + `","tenantId":"t","conversationType":"personal"}}`
			req := httptest.NewRequest(http.MethodPost, "/api/messages", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			ep.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
			if i%1000 == 999 {
				bot.Wait()
			}
			if i == 9_999 {
				at10k = heapInuse()
			}
		}
		bot.Wait()
		at100k := heapInuse()
		b.ReportMetric(float64(at10k)/(1<<20), "heap10k-MiB")
		b.ReportMetric(float64(at100k)/(1<<20), "heap100k-MiB")
		if at100k > at10k+at10k/4+(2<<20) {
			b.Errorf("heap grew from %d to %d bytes between 10k and 100k activities", at10k, at100k)
		}
	}
}

func heapInuse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
