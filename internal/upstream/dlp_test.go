package upstream_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// TestDecodeDLPViolation: both envelopes Power Automate answers to turning on
// a flow a data loss prevention policy blocks become the data-policy sentence.
func TestDecodeDLPViolation(t *testing.T) {
	for _, body := range []string{
		// microsoft/powerapps-tools#928
		`{"error":{"code":"DlpViolation","message":"Flow '231e2aae-09e0-eb8e-9d6e-628197c149a8' cannot be activated due to admin API policies."}}`,
		// microsoft/coe-starter-kit#7588
		`{"error":{"code":"ApiPolicyDataFlowViolation","message":"Admin data policy 'COE upgrade DLP' restricts the use of /providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps with Http.","extendedData":{"violation":{"policyDisplayName":"COE upgrade DLP","type":"BusinessAndNonBusinessConnector"}}}}`,
	} {
		e := upstream.DecodeError(http.StatusForbidden, nil, []byte(body))
		if !errors.Is(e, flowdeck.ErrForbidden) || !strings.Contains(e.Message, "data policy (DLP)") ||
			!strings.Contains(e.Message, "Ask your Power Platform admin") || strings.Contains(e.Message, "COE upgrade") {
			t.Errorf("%.50s: kind %v, message %q", body, e.Kind, e.Message)
		}
	}
}
