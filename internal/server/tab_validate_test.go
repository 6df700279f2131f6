package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// TestTabValidation sends bad input to every route: each answers 400
// {"code":"invalid"} with a sentence, is not cached, and nothing reaches
// Power Platform.
func TestTabValidation(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	const (
		guid = "0b8e6c4e-4f0e-4a39-9b8a-0c1d2e3f4a5b"
		run  = "08584800000000000000000000CU00"
	)
	env := "Default-" + demo.TenantID
	flow := "/api/flows/" + env + "/" + guid
	approval := "/api/approvals/" + env + "/" + guid
	ids := func(n int) string {
		s := make([]string, n)
		for i := range s {
			s[i] = strings.Repeat("A", 20) + strings.Repeat("B", i+1)
		}
		b, _ := json.Marshal(bulkRequest{RunIDs: s})
		return string(b)
	}
	const jsonCT = "application/json"
	for _, tt := range []struct {
		name, method, path, ctype, body string
	}{
		{"window", "GET", "/api/dashboard?window=1y", "", ""},
		{"window twice", "GET", "/api/dashboard?window=24h&window=7d", "", ""},
		{"limit 1000", "GET", "/api/flows?limit=1000", "", ""},
		{"limit 0", "GET", "/api/flows?limit=0", "", ""},
		{"limit text", "GET", "/api/flows?limit=ten", "", ""},
		{"offset negative", "GET", "/api/flows?offset=-1", "", ""},
		{"state", "GET", "/api/flows?state=asleep", "", ""},
		{"state case", "GET", "/api/flows?state=started", "", ""},
		{"sort", "GET", "/api/flows?sort=size", "", ""},
		{"desc", "GET", "/api/flows?desc=yes", "", ""},
		{"failing", "GET", "/api/flows?failing=1", "", ""},
		{"owner", "GET", "/api/flows?owner=adele", "", ""},
		{"whose", "GET", "/api/flows?whose=everyone", "", ""},
		{"whose case", "GET", "/api/flows?whose=Mine", "", ""},
		{"whose twice", "GET", "/api/flows?whose=mine&whose=shared", "", ""},
		{"person too long", "GET", "/api/flows?person=" + strings.Repeat("é", 101), "", ""},
		{"person control char", "GET", "/api/flows?person=a%00b", "", ""},
		{"person not utf-8", "GET", "/api/flows?person=%ff", "", ""},
		{"person twice", "GET", "/api/flows?person=a&person=b", "", ""},
		{"q too long", "GET", "/api/flows?q=" + strings.Repeat("a", 201), "", ""},
		{"env control char", "GET", "/api/flows?env=a%00b", "", ""},
		{"bad environment", "GET", "/api/flows/Contoso/" + guid, "", ""},
		{"bad flow", "GET", "/api/flows/" + env + "/my-flow", "", ""},
		{"environment not a guid", "GET", "/api/flows/Default-123/" + guid + "/runs", "", ""},
		{"run status", "GET", flow + "/runs?status=Broken", "", ""},
		{"top 51", "GET", flow + "/runs?top=51", "", ""},
		{"top 0", "GET", flow + "/runs?top=0", "", ""},
		{"run id short", "GET", flow + "/runs/ABC", "", ""},
		{"run id lower case", "GET", flow + "/runs/" + strings.ToLower(run), "", ""},
		{"state no content type", "POST", flow + "/state", "", `{"on":true}`},
		{"state text/plain", "POST", flow + "/state", "text/plain", `{"on":true}`},
		{"state form", "POST", flow + "/state", "application/x-www-form-urlencoded", `on=true`},
		{"state missing", "POST", flow + "/state", jsonCT, `{}`},
		{"state wrong type", "POST", flow + "/state", jsonCT, `{"on":"yes"}`},
		{"state unknown field", "POST", flow + "/state", jsonCT, `{"on":true,"force":true}`},
		{"state two objects", "POST", flow + "/state", jsonCT, `{"on":true}{"on":false}`},
		{"state array", "POST", flow + "/state", jsonCT, `[{"on":true}]`},
		{"state null", "POST", flow + "/state", jsonCT, `null`},
		{"state empty body", "POST", flow + "/state", jsonCT, ``},
		{"state bad flow", "POST", "/api/flows/" + env + "/x/state", jsonCT, `{"on":true}`},
		{"resubmit 51 runs", "POST", flow + "/runs/resubmit", jsonCT, ids(51)},
		{"resubmit no runs", "POST", flow + "/runs/resubmit", jsonCT, `{"runIds":[]}`},
		{"resubmit bad run id", "POST", flow + "/runs/resubmit", jsonCT, `{"runIds":["../../x"]}`},
		{"resubmit unknown field", "POST", flow + "/runs/resubmit", jsonCT, `{"runIds":["` + run + `"],"all":true}`},
		{"cancel bad run id", "POST", flow + "/runs/cancel", jsonCT, `{"runIds":["abc"]}`},
		{"cancel text/plain", "POST", flow + "/runs/cancel", "text/plain", `{"runIds":["` + run + `"]}`},
		{"role", "GET", "/api/approvals?role=boss", "", ""},
		{"active", "GET", "/api/approvals?active=maybe", "", ""},
		{"approval id", "GET", "/api/approvals/" + env + "/42", "", ""},
		{"approval environment", "GET", "/api/approvals/default/" + guid, "", ""},
		{"comments 1001", "POST", approval + "/respond", jsonCT, `{"response":"Approve","comments":"` + strings.Repeat("é", 1001) + `"}`},
		{"response empty", "POST", approval + "/respond", jsonCT, `{"response":"","comments":"ok"}`},
		{"response blank", "POST", approval + "/respond", jsonCT, `{"response":"  "}`},
		{"response missing", "POST", approval + "/respond", jsonCT, `{"comments":"ok"}`},
		{"respond unknown field", "POST", approval + "/respond", jsonCT, `{"response":"Approve","outcome":"Approve"}`},
		{"respond text/plain", "POST", approval + "/respond", "text/plain", `{"response":"Approve"}`},
		{"settings unknown field", "PUT", "/api/settings", jsonCT, `{"timeZone":"UTC","theme":"dark"}`},
		{"settings text/plain", "PUT", "/api/settings", "text/plain", `{"timeZone":"UTC"}`},
		{"settings too long", "PUT", "/api/settings", jsonCT, `{"timeZone":"` + strings.Repeat("a", 65) + `"}`},
		{"watch target", "POST", "/api/watches", jsonCT, `{"target":"everything"}`},
		{"watch flow without flow", "POST", "/api/watches", jsonCT, `{"target":"flow","environmentId":"` + env + `"}`},
		{"watch flow bad flow id", "POST", "/api/watches", jsonCT, `{"target":"flow","environmentId":"` + env + `","flowId":"x"}`},
		{"watch environment bad id", "POST", "/api/watches", jsonCT, `{"target":"environment","environmentId":"Contoso"}`},
		{"watch all with flow", "POST", "/api/watches", jsonCT, `{"target":"all","flowId":"` + guid + `"}`},
		{"watch unknown field", "POST", "/api/watches", jsonCT, `{"target":"all","channel":"x"}`},
		{"unwatch id too long", "DELETE", "/api/watches/" + strings.Repeat("a", 65), "", ""},
		{"unwatch id unsafe", "DELETE", "/api/watches/a%20b", "", ""},
		{"unwatch text/plain", "DELETE", "/api/watches/abc", "text/plain", "x"},
		{"signout text/plain", "POST", "/api/signout", "text/plain", "x"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(tc.cloud.PP.Requests())
			h := http.Header{"Authorization": {"Bearer " + tc.token}}
			if tt.ctype != "" {
				h.Set("Content-Type", tt.ctype)
			}
			resp, b := do(t, tt.method, tc.url+tt.path, strings.NewReader(tt.body), h)
			e := decodeError(t, resp, b)
			if resp.StatusCode != http.StatusBadRequest || e.Code != "invalid" || e.Message == "" || e.Message == "The request is not valid." {
				t.Errorf("%s %s: %d %s, want 400 invalid with a sentence", tt.method, tt.path, resp.StatusCode, b)
			}
			wantCache(t, resp, cacheNever)
			if n := len(tc.cloud.PP.Requests()) - before; n != 0 {
				t.Errorf("%d requests reached Power Platform", n)
			}
		})
	}
	if got := tc.signedOut(); len(got) != 0 {
		t.Errorf("SignOut was called: %+v", got)
	}
}
