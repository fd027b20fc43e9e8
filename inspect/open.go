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
				mntns := snap.Namespaces[h.MountNS]
				if mntns == nil {
					continue
				}
				for _, p := range mntns.Processes {
					// A process may have left the mount namespace
					// since the scan (unshare, setns): its root
					// would show another namespace's mounts.
					if statID(taskPath(snap.ProcRoot, p, "ns/mnt")) != h.MountNS {
						continue
					}
					if !yield(inside.Way{Path: taskPath(snap.ProcRoot, p, "root"+h.Path), Ino: ns.ID.Ino}) {
						return
					}
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
