//go:build !unix

package nodetest

import "os"

// lockFile is a no-op where flock is missing: installs are then serialised
// only within one test process.
func lockFile(*os.File) (unlock func(), err error) {
	return func() {}, nil
}
