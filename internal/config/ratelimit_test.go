package config

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRateLimit(t *testing.T) {
	tests := []struct {
		in      string
		want    RateLimit
		wantErr string // a part of the error; "" means valid
	}{
		{in: "10/s burst 40", want: RateLimit{Rate: 10, Burst: 40}},
		{in: "  600/M   BURST 40 ", want: RateLimit{Rate: 10, Burst: 40}},
		{in: "3600/h burst 1", want: RateLimit{Rate: 1, Burst: 1}},
		{in: "0.5/s burst 2", want: RateLimit{Rate: 0.5, Burst: 2}},
		{in: "off", want: RateLimit{}},
		{in: "OFF", want: RateLimit{}},
		{in: "10/s", wantErr: `such as "10/s burst 40"`},
		{in: "10/s,40", wantErr: `such as "10/s burst 40"`},
		{in: "10 burst 40", wantErr: `such as "10/s burst 40"`},
		{in: "10/d burst 40", wantErr: "the unit after / must be s, m or h"},
		{in: "ten/s burst 40", wantErr: `"ten" is not a number of requests`},
		{in: "NaN/s burst 40", wantErr: "is not a number of requests"},
		{in: "0/s burst 40", wantErr: "to turn the limit off, write off"},
		{in: "-1/s burst 40", wantErr: "the rate must be above 0"},
		{in: "2000000/s burst 40", wantErr: "at most 1000000/s"},
		{in: "10/s burst 0", wantErr: "the burst must be a whole number from 1"},
		{in: "10/s burst 2.5", wantErr: "the burst must be a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRateLimit(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseRateLimit(%q) = %v, %v; want an error with %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseRateLimit(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			back, err := ParseRateLimit(got.String())
			if err != nil || back != got {
				t.Errorf("ParseRateLimit(%q.String() = %q) = %+v, %v; want it back", tt.in, got.String(), back, err)
			}
		})
	}
}

func TestRateLimitSettings(t *testing.T) {
	c, err := Load(env(validServe()), Serve)
	if err != nil {
		t.Fatal(err)
	}
	if c.RateLimitUser != (RateLimit{Rate: 10, Burst: 40}) || c.RateLimitIP != (RateLimit{Rate: 100, Burst: 500}) {
		t.Fatalf("defaults: user %+v, ip %+v; want 10/s burst 40 and 100/s burst 500", c.RateLimitUser, c.RateLimitIP)
	}
	for _, want := range []string{"FLOWDECK_RATE_LIMIT_USER=10/s burst 40\n", "FLOWDECK_RATE_LIMIT_IP=100/s burst 500\n"} {
		if !strings.Contains(c.String(), want) {
			t.Errorf("String() lacks %q", want)
		}
	}

	m := validServe()
	m["FLOWDECK_RATE_LIMIT_USER"], m["FLOWDECK_RATE_LIMIT_IP"] = "120/m burst 5", "off"
	if c, err = Load(env(m), Serve); err != nil {
		t.Fatal(err)
	}
	if c.RateLimitUser != (RateLimit{Rate: 2, Burst: 5}) || !c.RateLimitIP.Off() {
		t.Fatalf("set: user %+v, ip %+v; want 2/s burst 5 and off", c.RateLimitUser, c.RateLimitIP)
	}
	if !strings.Contains(c.String(), "FLOWDECK_RATE_LIMIT_IP=off\n") {
		t.Errorf("String() does not print the IP limit as off:\n%s", c)
	}

	m["FLOWDECK_RATE_LIMIT_USER"], m["FLOWDECK_RATE_LIMIT_IP"] = "10 per second", "50/s burst -1"
	_, err = Load(env(m), Serve)
	var p Problems
	if !errors.As(err, &p) || len(p) != 2 {
		t.Fatalf("bad values: err = %v, want 2 problems", err)
	}
	for _, want := range []string{"FLOWDECK_RATE_LIMIT_USER: must be", "FLOWDECK_RATE_LIMIT_IP: the burst must be"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}
