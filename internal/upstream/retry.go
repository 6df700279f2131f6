package upstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/retry"
)

// ErrUnclearOutcome marks a failed state-changing request (POST) whose effect
// is unknown: it timed out, the connection broke, or the service answered 5xx.
// The caller must re-read the state before it says whether it happened.
var ErrUnclearOutcome = errors.New("upstream: outcome unclear")

// Safe reports whether method may be repeated without a second effect.
func Safe(method string) bool { return method == http.MethodGet || method == http.MethodHead }

// maxRetryAfter caps a Retry-After read from an answer: a day.
const maxRetryAfter = 24 * time.Hour

// retry repeats safe requests on 429, 502, 503, 504 and broken attempts.
func retrying(o Options, next http.RoundTripper) http.RoundTripper {
	return funcTripper(func(req *http.Request) (*http.Response, error) {
		ctx := req.Context()
		safe := Safe(req.Method)
		for attempt := 0; ; attempt++ {
			resp, err := next.RoundTrip(req)
			if err != nil {
				if !retryableError(ctx, err) || !safe || attempt >= o.MaxRetries {
					return nil, attemptError(ctx, err, safe)
				}
			} else if !safe || attempt >= o.MaxRetries || !retryableStatus(resp.StatusCode) {
				return resp, nil
			}
			wait := retry.Backoff{Base: o.BackoffBase, Max: o.BackoffMax, Rand: o.Rand}.Delay(attempt)
			if err == nil {
				if ra, ok := retry.ParseAfter(resp.Header.Get("Retry-After"), o.Now(), maxRetryAfter); ok {
					if ra > o.MaxRetryAfter {
						return resp, nil // too long to wait here: the caller tells the user
					}
					wait = ra
				}
			}
			if dl, ok := ctx.Deadline(); ok && o.Now().Add(wait).After(dl) {
				if err != nil {
					return nil, attemptError(ctx, err, safe)
				}
				return resp, nil
			}
			if resp != nil {
				_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
				_ = resp.Body.Close()
			}
			if serr := o.Sleep(ctx, wait); serr != nil {
				return nil, attemptError(ctx, serr, safe)
			}
		}
	})
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableError reports whether a failed attempt may be tried again: a
// network failure or an attempt timeout, not a domain error nor the end of ctx.
func retryableError(ctx context.Context, err error) bool {
	var fe *flowdeck.Error
	if errors.As(err, &fe) || ctx.Err() != nil {
		return false
	}
	return !errors.Is(err, context.Canceled)
}

// attemptError turns a transport failure into a domain error; a failed
// state-changing request also gets ErrUnclearOutcome.
func attemptError(ctx context.Context, err error, safe bool) error {
	var fe *flowdeck.Error
	if errors.As(err, &fe) {
		return err
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		if safe {
			return err
		}
		return fmt.Errorf("%w: %w", ErrUnclearOutcome, err)
	}
	msg := "Power Platform did not answer; try again in a minute."
	if errors.Is(err, errAttemptTimeout) || errors.Is(err, context.DeadlineExceeded) {
		msg = "Power Platform did not answer in time; try again in a minute."
	}
	if !safe {
		err = fmt.Errorf("%w: %w", ErrUnclearOutcome, err)
		msg = "Power Platform did not confirm the change; FlowDeck checks whether it happened before trying again."
	}
	return &flowdeck.Error{Kind: flowdeck.ErrUnavailable, Message: msg, Err: err}
}
