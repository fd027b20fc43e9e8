package inspect

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/nsdive/nsdive/internal/inside"
	"golang.org/x/sys/unix"
)

// scanMounts completes the mount tables the parallel pass read, one per
// mount namespace, reading those it could not through the namespace's
// other tasks. nsfs mounts in them are holders of the namespaces they
// name, wherever they are mounted.
func (sc *scanner) scanMounts(snap *Snapshot, tables map[NamespaceID][]Mount) {
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

// fdHold is a descriptor found to hold a namespace.
type fdHold struct {
	id     NamespaceID
	typ    Type
	pid    int
	fd     int
	socket bool
}

// scanFDs finds namespaces held by open descriptors: nsfs files opened
// directly, and sockets, which hold the network namespace they were
// created in (SIOCGSKNS tells which).
func (sc *scanner) scanFDs(snap *Snapshot) {
	var pids []int
	for _, p := range snap.Processes {
		if !p.IsThread() {
			pids = append(pids, p.PID)
		}
	}
	results := make([][]fdHold, sc.opts.Workers)
	var seenSockets sync.Map
	parallel(len(pids), sc.opts.Workers, func(worker, i int) {
		holds, err := sc.readFDs(pids[i], &seenSockets)
		if err != nil {
			sc.unreadableOther.Add(1)
		}
		results[worker] = append(results[worker], holds...)
	})
	for _, holds := range results {
		for _, h := range holds {
			if h.socket {
				if p := snap.Processes[h.pid]; p != nil && p.Namespaces[LinkNet] == h.id {
					continue // a socket in its own process's namespace holds nothing new
				}
			}
			kind := HeldByFD
			if h.socket {
				kind = HeldBySocket
			}
			ns := snap.namespace(h.id, h.typ)
			ns.Holders = append(ns.Holders, Holder{Kind: kind, PID: h.pid, FD: h.fd})
		}
	}
}

// readFDs lists one process's descriptors that hold a namespace. A socket
// shared by several processes is looked at once.
func (sc *scanner) readFDs(pid int, seenSockets *sync.Map) ([]fdHold, error) {
	dirfd, err := unix.Open(fmt.Sprintf("%s/%d/fd", sc.opts.ProcRoot, pid), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		if isGone(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("open fds of %d: %w", pid, err)
	}
	names, err := readDirNamesAt(dirfd, ".")
	unix.Close(dirfd)
	if err != nil {
		return nil, fmt.Errorf("list fds of %d: %w", pid, err)
	}
	var holds []fdHold
	var buf [128]byte
	pidfd := -1
	defer func() {
		if pidfd >= 0 {
			unix.Close(pidfd)
		}
	}()
	for _, name := range names {
		fd, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		n, err := unix.Readlink(fmt.Sprintf("%s/%d/fd/%s", sc.opts.ProcRoot, pid, name), buf[:])
		if err != nil {
			continue
		}
		target := buf[:n]
		if sock, ok := bytes.CutPrefix(target, []byte("socket:[")); ok {
			if _, dup := seenSockets.LoadOrStore(string(sock), true); dup {
				continue
			}
			if pidfd < 0 {
				if pidfd, err = unix.PidfdOpen(pid, 0); err != nil {
					continue
				}
			}
			if id, err := socketNamespace(pidfd, fd); err == nil {
				holds = append(holds, fdHold{id: id, typ: Net, pid: pid, fd: fd, socket: true})
			}
			continue
		}
		typeName, ino, err := parseNSLink(target)
		if err != nil {
			continue
		}
		if t, ok := typeOfName(typeName); ok {
			holds = append(holds, fdHold{id: NamespaceID{sc.nsfsDev, ino}, typ: t, pid: pid, fd: fd})
		}
	}
	return holds, nil
}

// socketNamespace returns the network namespace a socket of another
// process was created in.
func socketNamespace(pidfd, fd int) (NamespaceID, error) {
	nsfd, err := inside.SocketNamespace(pidfd, fd)
	if err != nil {
		return NamespaceID{}, err
	}
	defer unix.Close(nsfd)
	return fstatID(nsfd)
}

// fstatID returns the namespace ID of an open namespace file.
func fstatID(fd int) (NamespaceID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return NamespaceID{}, fmt.Errorf("stat namespace: %w", err)
	}
	return NamespaceID{Dev: st.Dev, Ino: st.Ino}, nil
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
