package ui

import (
	"time"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
)

// flashFor is how long a namespace that appeared or vanished stays
// highlighted after the rescan that saw it.
const flashFor = 3 * time.Second

// world is what every page shows: the latest snapshot and what changed in
// it. The root replaces it on each scan; pages read it, never change it.
type world struct {
	snap    *inspect.Snapshot
	changes inspect.Changes // since the previous snapshot; empty for the first
	// appeared holds when each namespace first showed up, for as long as
	// it is highlighted.
	appeared map[inspect.NamespaceID]time.Time
	// vanished holds namespaces gone from snap, with when they went, for
	// as long as pages still show them faded.
	vanished map[inspect.NamespaceID]vanishedNamespace
	took     time.Duration   // how long the scan took
	partial  display.Partial // what the scan could not read
	procs    int             // processes in snap, threads left out
	// fromFile is the snapshot file the explorer opened read-only, or
	// empty for a live host.
	fromFile string
	// userNames are the login names a snapshot file gives uids, which
	// are the names on the host it was taken on, not on this one.
	userNames map[int]string
	// netPrev are the interface counters of the previous snapshot, for
	// the network page's rates; nil for the first.
	netPrev *netCounters
}

// vanishedNamespace is a namespace of an earlier snapshot that is gone.
type vanishedNamespace struct {
	ns   *inspect.Namespace
	gone time.Time
}

// newWorld returns the world of a first snapshot.
func newWorld(snap *inspect.Snapshot, took time.Duration) *world {
	return &world{
		snap:     snap,
		appeared: map[inspect.NamespaceID]time.Time{},
		vanished: map[inspect.NamespaceID]vanishedNamespace{},
		took:     took,
		partial:  display.PartialOf(snap),
		procs:    processCount(snap),
	}
}

// next returns the world after a rescan: the new snapshot, what changed
// since w, and the highlights still running at now.
func (w *world) next(snap *inspect.Snapshot, took time.Duration, now time.Time) *world {
	n := newWorld(snap, took)
	n.fromFile, n.userNames = w.fromFile, w.userNames
	n.changes = inspect.Diff(w.snap, snap)
	n.netPrev = countersOf(w.snap)
	for id, at := range w.appeared {
		if now.Sub(at) < flashFor && snap.Namespaces[id] != nil {
			n.appeared[id] = at
		}
	}
	for _, id := range n.changes.NamespacesAppeared {
		n.appeared[id] = now
	}
	for id, v := range w.vanished {
		if now.Sub(v.gone) < flashFor && snap.Namespaces[id] == nil {
			n.vanished[id] = v
		}
	}
	for _, id := range n.changes.NamespacesVanished {
		if ns := w.snap.Namespaces[id]; ns != nil {
			n.vanished[id] = vanishedNamespace{ns: ns, gone: now}
		}
	}
	return n
}

// expire drops the highlights that ran out at now and reports whether any
// did, so that the root redraws only then.
func (w *world) expire(now time.Time) bool {
	changed := false
	for id, at := range w.appeared {
		if now.Sub(at) >= flashFor {
			delete(w.appeared, id)
			changed = true
		}
	}
	for id, v := range w.vanished {
		if now.Sub(v.gone) >= flashFor {
			delete(w.vanished, id)
			changed = true
		}
	}
	return changed
}

// userName names the owner of p: as the snapshot file does for a world
// read from one, else from this host's user database.
func (w *world) userName(users *display.Users, p *inspect.Process) string {
	if name, ok := w.userNames[p.UID]; ok && w.fromFile != "" {
		return name
	}
	return display.UserText(users, p)
}
