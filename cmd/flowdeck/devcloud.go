package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"

	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
	"github.com/flowdeck/flowdeck/internal/fakecloud/graph"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// localCloud is the set of fakes `flowdeck dev` runs FlowDeck against: every
// remote party on loopback, speaking its real protocol over TLS signed by one
// throwaway CA that FlowDeck is told to trust.
type localCloud struct {
	ca    *fakeca.CA
	entra *entra.Server
	pp    *powerplatform.Server
	graph *graph.Server
}

// startLocalCloud starts the fakes with the demo tenant (consent granted, as
// an admin would) and points c at them. The CA certificate is written to the
// data folder and named in c.CAFile.
func startLocalCloud(c *config.Config, logger *slog.Logger) (_ *localCloud, err error) {
	lc := &localCloud{}
	defer func() {
		if err != nil {
			lc.Close()
		}
	}()
	if lc.ca, err = fakeca.New(); err != nil {
		return nil, err
	}
	if lc.entra, err = entra.New(entra.Options{CA: lc.ca, Demo: true, Logger: logger.With("fake", "entra")}); err != nil {
		return nil, fmt.Errorf("fake Entra ID: %w", err)
	}
	lc.entra.GrantAllDemoConsent()
	if err := lc.entra.AddRedirectURI(c.ClientID, c.PublicURL.JoinPath("/auth/end").String()); err != nil {
		return nil, fmt.Errorf("fake Entra ID: %w", err)
	}
	if err := lc.entra.AddAppIDURI(c.ClientID, c.AppIDURI); err != nil {
		return nil, fmt.Errorf("fake Entra ID: %w", err)
	}
	if lc.pp, err = powerplatform.New(powerplatform.Options{CA: lc.ca, Keyfunc: lc.entra.Keyfunc, Logger: logger.With("fake", "powerplatform")}); err != nil {
		return nil, fmt.Errorf("fake Power Platform: %w", err)
	}
	if lc.graph, err = graph.New(graph.Options{CA: lc.ca, Keyfunc: lc.entra.Keyfunc, Logger: logger.With("fake", "graph")}); err != nil {
		return nil, fmt.Errorf("fake Graph: %w", err)
	}
	caFile := filepath.Join(c.DataDir, "local-cloud-ca.pem")
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	if err := os.WriteFile(caFile, lc.ca.CertPEM(), 0o600); err != nil {
		return nil, fmt.Errorf("write the local cloud's CA: %w", err)
	}
	c.CAFile = caFile
	set := func(dst **url.URL, raw string) {
		if err == nil {
			*dst, err = url.Parse(raw)
		}
	}
	set(&c.AuthorityURL, lc.entra.URL())
	set(&c.FlowAPIURL, lc.pp.FlowURL())
	set(&c.PowerAppsAPIURL, lc.pp.PowerAppsURL())
	set(&c.BAPAPIURL, lc.pp.BAPURL())
	set(&c.GraphAPIURL, lc.graph.URL())
	// The fakes issue tokens for the public cloud's audiences.
	c.Cloud = "public"
	return lc, err
}

// describe lists the fakes for the start-up banner.
func (lc *localCloud) describe() string {
	return fmt.Sprintf("  Entra ID:        %s\n  Power Automate:  %s\n  Power Apps:      %s\n  Graph:           %s\n",
		lc.entra.URL(), lc.pp.FlowURL(), lc.pp.PowerAppsURL(), lc.graph.URL())
}

// Close stops every fake that started.
func (lc *localCloud) Close() error {
	var errs []error
	if lc.graph != nil {
		errs = append(errs, lc.graph.Close())
	}
	if lc.pp != nil {
		lc.pp.Close()
	}
	if lc.entra != nil {
		errs = append(errs, lc.entra.Close())
	}
	return errors.Join(errs...)
}
