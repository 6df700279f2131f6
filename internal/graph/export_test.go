package graph

// SetOnWait makes n call f whenever a caller starts waiting for a look-up
// another caller began.
func SetOnWait(n *Names, f func()) { n.onWait = f }
