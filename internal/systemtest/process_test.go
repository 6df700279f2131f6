package systemtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/app"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"
	"github.com/flowdeck/flowdeck/internal/logtest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// buildBinary builds cmd/flowdeck the way `make build` does (static, stripped), once per test binary.
func buildBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "flowdeck-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "flowdeck")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", binPath, "github.com/flowdeck/flowdeck/cmd/flowdeck")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return binPath
}

// devProcess is a running `flowdeck dev` process.
type devProcess struct {
	cmd    *exec.Cmd
	url    string
	stderr *logtest.Buffer
	done   chan error
}

// startDev starts `flowdeck dev` on a free loopback port and returns once it
// printed its URL (it prints it only when ready).
func startDev(tb testing.TB, bin string, env ...string) *devProcess {
	tb.Helper()
	return startProcess(tb, bin, []string{"dev", "--listen", "127.0.0.1:0", "--data", tb.TempDir()}, "Health:", env)
}

// startServe starts `flowdeck serve` with env (which sets its whole
// configuration) and returns once it printed the address it listens on.
func startServe(tb testing.TB, bin string, env ...string) *devProcess {
	tb.Helper()
	return startProcess(tb, bin, []string{"serve"}, "FlowDeck is listening on", env)
}

// startProcess runs bin with args and env and returns once a line of its
// standard output starts with prefix, followed by the URL it answers on.
func startProcess(tb testing.TB, bin string, args []string, prefix string, env []string) *devProcess {
	tb.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	p := &devProcess{cmd: cmd, stderr: &logtest.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), prefix); ok {
				urls <- strings.TrimSuffix(strings.TrimSpace(u), "/healthz")
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { p.done <- cmd.Wait() }()
	select {
	case p.url = <-urls:
	case err := <-p.done:
		tb.Fatalf("flowdeck %s exited before it was ready: %v\n%s", args[0], err, p.stderr)
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		tb.Fatalf("flowdeck %s printed no URL within 30s\n%s", args[0], p.stderr)
	}
	return p
}

// stop sends SIGTERM and waits for the exit, bounded by the shutdown timeout plus margin.
func (p *devProcess) stop(tb testing.TB) error {
	tb.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Fatal(err)
	}
	select {
	case err := <-p.done:
		return err
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		tb.Fatalf("flowdeck did not stop within 30s of SIGTERM\n%s", p.stderr)
		return nil
	}
}

func TestDevProcessServesAndStopsOnSIGTERM(t *testing.T) {
	p := startDev(t, buildBinary(t))
	resp, err := http.Get(p.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/healthz = %d", resp.StatusCode)
	}
	if err := p.stop(t); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "stopping") || !strings.Contains(p.stderr.String(), "stopped") {
		t.Errorf("no orderly stop in the log:\n%s", p.stderr)
	}
	if _, err := http.Get(p.url + "/healthz"); err == nil {
		t.Error("still answering after exit")
	}
}

// BenchmarkProcessStartToReady measures `flowdeck serve`, as production runs
// it, from exec to the first 200 on /healthz, on a fresh SQLite data folder
// (so the migrations run), and reports the binary size and the idle resident
// set size. The fake Entra ID it names as authority starts outside the timer;
// serve does not call it before it is ready.
func BenchmarkProcessStartToReady(b *testing.B) {
	bin := buildBinary(b)
	fi, err := os.Stat(bin)
	if err != nil {
		b.Fatal(err)
	}
	idp, err := entra.New(entra.Options{Demo: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { idp.Close() })
	caFile := filepath.Join(b.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, idp.CACertPEM(), 0o600); err != nil {
		b.Fatal(err)
	}
	var rss float64
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		b.StartTimer()
		p := startServe(b, bin, "FLOWDECK_LISTEN=127.0.0.1:0", "FLOWDECK_PUBLIC_URL=https://flowdeck.example.com",
			"FLOWDECK_TENANT_ID="+demo.TenantID, "FLOWDECK_CLIENT_ID="+demo.ClientID, "FLOWDECK_CLIENT_SECRET="+demo.ClientSecret,
			"FLOWDECK_ENCRYPTION_KEY="+base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)),
			"FLOWDECK_DATA_DIR="+dir, "FLOWDECK_AUTHORITY_URL="+idp.URL(), "FLOWDECK_CA_FILE="+caFile)
		resp, err := http.Get(p.url + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("healthz: %v", err)
		}
		resp.Body.Close()
		b.StopTimer()
		rss = residentMiB(b, p.cmd.Process.Pid)
		if err := p.stop(b); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(fi.Size())/(1<<20), "binary-MiB")
	b.ReportMetric(rss, "idle-RSS-MiB")
}

// BenchmarkDevStartToReady measures `flowdeck dev` from exec to its banner:
// the local cloud's start (its keys are generated each time), the store, the
// bot greeting the demo user and the demo user's sign-in.
func BenchmarkDevStartToReady(b *testing.B) {
	bin := buildBinary(b)
	for b.Loop() {
		p := startDev(b, bin)
		b.StopTimer()
		if err := p.stop(b); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkMainStartToReady measures Main.Run to ready and Close in-process:
// store open and migration, server up, listener bound.
func BenchmarkMainStartToReady(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		cfg := localtest.Config(b)
		b.StartTimer()
		m := &app.Main{Config: cfg}
		if err := m.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := m.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

func residentMiB(tb testing.TB, pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	tb.Fatal("no VmRSS")
	return 0
}
