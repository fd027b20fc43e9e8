package inspect

import (
	"cmp"
	"slices"
)

// compareHolders orders holders by kind, then mount namespace and path,
// then pid and descriptor, so that a snapshot lists them the same way
// whatever order the parallel passes found them in.
func compareHolders(a, b Holder) int {
	return cmp.Or(
		cmp.Compare(a.Kind, b.Kind),
		cmp.Compare(a.MountNS.Ino, b.MountNS.Ino),
		cmp.Compare(a.MountNS.Dev, b.MountNS.Dev),
		cmp.Compare(a.Path, b.Path),
		cmp.Compare(a.PID, b.PID),
		cmp.Compare(a.FD, b.FD),
	)
}

// sortHolders puts every namespace's holders in compareHolders order.
func sortHolders(snap *Snapshot) {
	for _, ns := range snap.Namespaces {
		slices.SortFunc(ns.Holders, compareHolders)
	}
}
