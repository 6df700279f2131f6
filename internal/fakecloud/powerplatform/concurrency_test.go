package powerplatform

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestConcurrentUse drives reads and writes from many goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow), PageSize: 5})
	tok := fx.flowToken(adele())
	run := fx.firstRun(flowOK)
	call := func(method, url string) error {
		req, err := http.NewRequestWithContext(context.Background(), method, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := fx.client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		if resp.StatusCode >= 300 {
			return fmt.Errorf("%s %s: %d", method, url, resp.StatusCode)
		}
		return nil
	}
	errs := make(chan error, 100)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			var err error
			switch i % 3 {
			case 0:
				err = call("POST", fx.flowsURL(envDefault)+"/"+flowOK+"/triggers/Recurrence/histories/"+run+"/resubmit"+av)
			case 1:
				err = call("GET", fx.flowsURL(envDefault)+"/"+flowFail+"/runs"+av)
			default:
				err = call("GET", fx.srv.FlowURL()+flowPrefix+"/environments/"+envDefault+"/approvalViews"+av)
			}
			if err != nil {
				errs <- err
			}
			fx.clock.Advance(time.Second)
			fx.srv.Requests()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(values(fx.get(fx.flowsURL(envDefault)+"/"+flowOK+"/runs"+av+"&$top=50", tok, 200))); n != 5 {
		t.Errorf("first page has %d runs, want 5 (page size)", n)
	}
}

// TestNoKeyfunc decodes tokens without verifying signatures, as reference §8 allows.
func TestNoKeyfunc(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	srv, err := New(Options{Tenant: testTenant(testNow), Now: fx.clock.Now, CA: fx.srv.CA()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	fx.get(srv.FlowURL()+flowPrefix+"/environments"+av, fx.flowToken(adele()), 200)
	fx.get(srv.FlowURL()+flowPrefix+"/environments"+av, fx.mint(adele(), "https://graph.microsoft.com/", "User.Read", nil), 401)
}
