package inspect

import (
	"fmt"
	"iter"

	"github.com/nsdive/nsdive/internal/inside"
)

// openNamespace opens a namespace's nsfs file through whatever leads to
// it (see waysTo); the caller closes the descriptor.
func openNamespace(snap *Snapshot, ns *Namespace) (int, error) {
	fd, err := inside.OpenFirst(waysTo(snap, ns))
	if err != nil {
		return -1, fmt.Errorf("open %s namespace %d: %w", ns.Type, ns.ID.Ino, err)
	}
	return fd, nil
}

// waysTo yields the ways to a namespace's nsfs file that the snapshot
// knows, cheapest first: a member process's link, a for_children link, a
// descriptor, a bind mount (seen through a process in the mount namespace
// that has it) or a socket. Each wants the namespace's inode, so a way
// that leads elsewhere since the scan fails instead of reading another.
func waysTo(snap *Snapshot, ns *Namespace) iter.Seq[inside.Way] {
	return func(yield func(inside.Way) bool) {
		for _, p := range ns.Processes {
			if !yield(inside.Way{Path: taskPath(snap.ProcRoot, p, "ns/"+LinkOf(ns.Type).Name()), Ino: ns.ID.Ino}) {
				return
			}
		}
		for _, h := range ns.Holders {
			w := inside.Way{Ino: ns.ID.Ino}
			switch h.Kind {
			case HeldForChildren:
				link := LinkPIDForChildren
				if ns.Type == Time {
					link = LinkTimeForChildren
				}
				w.Path = fmt.Sprintf("%s/%d/ns/%s", snap.ProcRoot, h.PID, link.Name())
			case HeldByFD:
				w.Path = fmt.Sprintf("%s/%d/fd/%d", snap.ProcRoot, h.PID, h.FD)
			case HeldByMount:
				if !yieldMountWays(snap, ns, h, yield) {
					return
				}
				continue
			case HeldBySocket:
				w.PID, w.FD = h.PID, h.FD
			}
			if !yield(w) {
				return
			}
		}
	}
}

// mountWayTries is how many processes of a mount namespace are tried as
// the way to a bind mount in it. Its processes all see the same mounts
// (only one with another root, a chroot, sees them elsewhere), so when
// the path is not found through the first few, it is unmounted or its
// namespace is gone: trying each of the thousands of processes of the
// host's mount namespace would cost a stat and an open each, on every
// scan of a host where netns come and go (ip netns del between a scan's
// passes).
const mountWayTries = 3

// yieldMountWays yields the ways to ns through the bind mount h, seen
// through the root of a few processes still in h's mount namespace; it
// returns false when yield asked to stop.
func yieldMountWays(snap *Snapshot, ns *Namespace, h Holder, yield func(inside.Way) bool) bool {
	mntns := snap.Namespaces[h.MountNS]
	if mntns == nil {
		return true
	}
	tries := 0
	for _, p := range mntns.Processes {
		if tries == mountWayTries {
			break
		}
		tries++
		// A process may have left the mount namespace since the scan
		// (unshare, setns): its root would show another namespace's
		// mounts.
		if statID(taskPath(snap.ProcRoot, p, "ns/mnt")) != h.MountNS {
			continue
		}
		if !yield(inside.Way{Path: taskPath(snap.ProcRoot, p, "root"+h.Path), Ino: ns.ID.Ino}) {
			return false
		}
	}
	return true
}
