// Command flowdeck is FlowDeck's one binary: the Teams bot, the personal tab,
// the action cards and the background monitor (`serve`), the same on a local
// cloud of fakes with no tenant needed (`dev`), the Teams app package
// (`manifest`), and a deployment check (`doctor`).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{lookup: os.LookupEnv, stdout: os.Stdout, stderr: os.Stderr})
	stop()
	os.Exit(code)
}
