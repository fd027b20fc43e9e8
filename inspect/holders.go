package inspect

import (
	"errors"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// findBindMounts is the source of namespaces held by nsfs bind mounts. It
// completes the mount tables the process pass read, one per mount
// namespace, reading those it could not through the namespace's other
// tasks. nsfs mounts in them are holders of the namespaces they name,
// wherever they are mounted.
func (sc *scanner) findBindMounts(snap *Snapshot) error {
	tables := make(map[NamespaceID][]Mount)
	for _, w := range sc.workers {
		maps.Copy(tables, w.tables)
	}
	for _, ns := range snap.SortedNamespaces() {
		if ns.Type != Mnt || len(ns.Processes) == 0 {
			continue
		}
		if _, ok := tables[ns.ID]; !ok {
			mounts, err := sc.readMountsOf(snap, ns)
			if err != nil {
				sc.unreadableOther.Add(1)
				continue
			}
			tables[ns.ID] = mounts
		}
		for _, m := range tables[ns.ID] {
			if m.FSType != "nsfs" {
				continue
			}
			name, ino, err := parseNSLink([]byte(m.Root))
			t, ok := typeOfName(name)
			if err != nil || !ok {
				continue
			}
			id := NamespaceID{Dev: unix.Mkdev(m.Major, m.Minor), Ino: ino}
			held := snap.namespace(id, t)
			held.Holders = append(held.Holders, Holder{Kind: HeldByMount, Path: m.MountPoint, MountNS: ns.ID})
		}
	}
	if sc.opts.Mounts {
		snap.Mounts = tables
		snap.PeerGroups = linkPeerGroups(tables)
	}
	return nil
}

// readMountsOf reads the mount table of mount namespace ns through the
// first of its tasks that lets it.
func (sc *scanner) readMountsOf(snap *Snapshot, ns *Namespace) ([]Mount, error) {
	parse := parseNSFSMounts
	if sc.opts.Mounts {
		parse = parseMountinfo
	}
	var err error
	for _, p := range ns.Processes {
		var mounts []Mount
		if mounts, err = readParsed(taskPath(snap.ProcRoot, p, "mountinfo"), parse); err == nil {
			return mounts, nil
		}
	}
	return nil, err
}

// taskPath returns the path of a file under a task's /proc directory.
func taskPath(procRoot string, p *Process, name string) string {
	if p.IsThread() {
		return fmt.Sprintf("%s/%d/task/%d/%s", procRoot, p.TGID, p.PID, name)
	}
	return fmt.Sprintf("%s/%d/%s", procRoot, p.PID, name)
}

// fstatID returns the namespace ID of an open namespace file.
func fstatID(fd int) (NamespaceID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return NamespaceID{}, fmt.Errorf("stat namespace: %w", err)
	}
	return NamespaceID{Dev: st.Dev, Ino: st.Ino}, nil
}

// statID returns the namespace an nsfs path (or /proc link) leads to, or
// the zero ID when it cannot be stat'ed.
func statID(path string) NamespaceID {
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil {
		return NamespaceID{}
	}
	return NamespaceID{Dev: st.Dev, Ino: st.Ino}
}

// isGone reports whether err says a process no longer exists.
func isGone(err error) bool {
	return errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ESRCH)
}

// parallel calls fn(worker, i) for every i below n on workers goroutines.
// Each worker has its own index, so it can append to its own results.
func parallel(n, workers int, fn func(worker, i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(w, i)
			}
		}()
	}
	wg.Wait()
}
