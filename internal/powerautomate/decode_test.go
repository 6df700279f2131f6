package powerautomate

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// runsPage renders n runs as the Flow RP does (E5), every third one failed.
func runsPage(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"value":[`)
	t := time.Date(2026, 2, 25, 9, 0, 0, 0, time.UTC)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		name := fmt.Sprintf("08584296068667933411438594%07dCU15", i)
		status, errPart := "Succeeded", ""
		if i%3 == 0 {
			status = "Failed"
			errPart = `,"code":"ActionFailed","error":{"code":"ActionFailed","message":"An action failed. No dependent actions succeeded."}`
		}
		st := t.Add(-time.Duration(i) * time.Minute).Format("2006-01-02T15:04:05.0000000Z")
		fmt.Fprintf(&b, `{"name":"%s","id":"/providers/Microsoft.ProcessSimple/environments/Default-72f988bf-86f1-41af-91ab-2d7cd011db47/flows/396d5ec9-ae2d-4a84-967d-cd7f56cd8f30/runs/%s","type":"Microsoft.ProcessSimple/environments/flows/runs","properties":{"startTime":"%s","endTime":"%s","status":"%s"%s,"correlation":{"clientTrackingId":"%s"},"trigger":{"name":"Recurrence","startTime":"%s","endTime":"%s","scheduledTime":"%s","originHistoryName":"%s","correlation":{"clientTrackingId":"%s"},"code":"OK","status":"Succeeded"}}}`,
			name, name, st, st, status, errPart, name, st, st, st, name, name)
	}
	b.WriteString(`],"nextLink":"https://emea.api.flow.microsoft.com:11777/providers/Microsoft.ProcessSimple/environments/x/flows/y/runs?api-version=2016-11-01&%24skiptoken=abc"}`)
	return []byte(b.String())
}

// decodeRuns is the decoding path of Client.Runs.
func decodeRuns(body []byte) ([]flowdeck.Run, string, error) {
	var p page[wireRun]
	if err := upstream.Unmarshal(200, http.Header{"Content-Type": {"application/json"}}, body, &p); err != nil {
		return nil, "", err
	}
	out := make([]flowdeck.Run, len(p.Value))
	for i := range p.Value {
		out[i] = p.Value[i].domain("env", "flow")
	}
	return out, p.next(), nil
}

func TestDecodeRunsPage(t *testing.T) {
	runs, next, err := decodeRuns(runsPage(1000))
	if err != nil || len(runs) != 1000 || next == "" {
		t.Fatalf("%d runs, next %q, %v", len(runs), next, err)
	}
	if r := runs[0]; r.Status != flowdeck.RunFailed || r.ErrorCode != "ActionFailed" || r.TriggerName != "Recurrence" || r.StartTime.IsZero() {
		t.Fatalf("run = %+v", r)
	}
}

// BenchmarkDecodeRuns1000 decodes one page of 1,000 runs (target ≤ 5 ms).
func BenchmarkDecodeRuns1000(b *testing.B) {
	body := runsPage(1000)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, _, err := decodeRuns(body); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzDecodeRuns(f *testing.F) {
	f.Add(runsPage(2))
	f.Add([]byte(`{"value":[{"name":"A","properties":{"startTime":"","endTime":null,"error":null}}]}`))
	f.Add([]byte(`{"value":[{"properties":{"startTime":"2026-13-45T99:00:00Z","status":7}}]}`))
	f.Add([]byte(`{"error":{"code":"X","message":"y"}}`))
	f.Add([]byte(`<html>`))
	f.Add(runsPage(3)[:200])
	f.Fuzz(func(t *testing.T, body []byte) {
		runs, _, err := decodeRuns(body)
		if err != nil {
			if flowdeck.KindOf(err) == nil || flowdeck.Message(err) == "" {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, r := range runs {
			if r.EnvironmentID != "env" {
				t.Fatal("env not set")
			}
		}
	})
}
