// Package systemtest holds FlowDeck's system tests: the whole service
// booted as `serve` (internal/app) on its local cloud (internal/localcloud),
// driven as Teams, the tab and the fakes drive it. Fault injection
// (faults_*_test.go), the security battery (security_*_test.go), identity
// end to end, every cloud's conversation, and the browser tests in headless
// Chromium (browser_*_test.go, with FLOWDECK_BROWSER_TESTS=1). It has no
// production code.
package systemtest
