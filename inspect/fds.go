package inspect

import (
	"bytes"
	"cmp"
	"errors"
	"slices"

	"github.com/nsdive/nsdive/internal/inside"
	"golang.org/x/sys/unix"
)

// fdHold is a descriptor found to hold a namespace.
type fdHold struct {
	id     NamespaceID
	typ    Type
	pid    int
	fd     int
	socket bool
}

// socketFD is a socket descriptor whose network namespace is not known
// yet.
type socketFD struct {
	ino     uint64 // the socket's inode in sockfs
	pid, fd int
}

// fdWorker is what one goroutine of the descriptor pass reads into.
type fdWorker struct {
	dents   []byte
	link    [64]byte // enough for "socket:[N]" and "net:[N]"; a longer target is a path
	holds   []fdHold
	sockets []socketFD
}

// findDescriptors is the source of namespaces held by open descriptors:
// an nsfs file a process opened (its /proc/PID/fd link reads
// "net:[4026532xxx]") and a socket, which holds the network namespace it
// was created in.
//
// It runs on every `nsdive list`, so it reads as little as it can: per
// process one open of its fd directory, getdents64 and a readlink per
// descriptor, whose target names an nsfs file's namespace outright. A
// socket's namespace can only be asked for (pidfd_getfd, then SIOCGSKNS:
// five system calls), so each socket is asked about once however many
// processes share it, and only sockets are (see resolveSockets).
func (sc *scanner) findDescriptors(snap *Snapshot) error {
	var holds []fdHold
	var sockets []socketFD
	for _, w := range sc.workers {
		holds = append(holds, w.fds.holds...)
		sockets = append(sockets, w.fds.sockets...)
	}
	for _, h := range sc.resolveSockets(sockets) {
		// A socket in its own process's namespace holds nothing the
		// process does not.
		if p := snap.Processes[h.pid]; p == nil || p.Namespaces[LinkNet] != h.id {
			holds = append(holds, h)
		}
	}
	slices.SortFunc(holds, func(a, b fdHold) int {
		return cmp.Or(cmp.Compare(a.pid, b.pid), cmp.Compare(a.fd, b.fd))
	})
	for _, h := range holds {
		kind := HeldByFD
		if h.socket {
			kind = HeldBySocket
		}
		ns := snap.namespace(h.id, h.typ)
		ns.Holders = append(ns.Holders, Holder{Kind: kind, PID: h.pid, FD: h.fd})
	}
	return nil
}

// visitFDs reads the descriptors of process p, through its /proc
// directory procfd, into w: those of nsfs files as holds, sockets to be
// resolved later.
func (sc *scanner) visitFDs(sw *scanWorker, procfd int, p *Process) {
	w, pid := &sw.fds, p.PID
	if w.dents == nil {
		w.dents = make([]byte, 8192)
	}
	dirfd, err := unix.Openat(procfd, "fd", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		if !isGone(err) {
			sc.unreadableOther.Add(1)
		}
		return
	}
	defer unix.Close(dirfd)
	for {
		n, err := unix.Getdents(dirfd, w.dents)
		if err != nil {
			if !isGone(err) {
				sc.unreadableOther.Add(1)
			}
			return
		}
		if n == 0 {
			return
		}
		for rest := w.dents[:n]; len(rest) > 0; {
			var name []byte
			if name, rest, err = nextDirent(rest); err != nil {
				sc.unreadableOther.Add(1)
				return
			}
			fd, ok := parseFDName(name)
			if !ok {
				continue
			}
			m, err := readlinkat(dirfd, name, w.link[:])
			if err != nil {
				continue // closed since it was listed
			}
			t, ino, socket, ok := parseFDTarget(w.link[:m])
			switch {
			case !ok:
			case socket:
				w.sockets = append(w.sockets, socketFD{ino: ino, pid: pid, fd: fd})
			default:
				w.holds = append(w.holds, fdHold{id: NamespaceID{sc.nsfsDev, ino}, typ: t, pid: pid, fd: fd})
			}
		}
	}
}

// parseFDTarget parses the target of a /proc/PID/fd link: an nsfs file
// reads "net:[4026531833]", a socket "socket:[123]". ok is false for
// anything else (a path, a pipe, an anonymous inode).
func parseFDTarget(target []byte) (t Type, ino uint64, socket, ok bool) {
	if len(target) == 0 || target[0] == '/' {
		return 0, 0, false, false
	}
	name, inside, found := bytes.Cut(target, []byte(":["))
	if !found || len(inside) < 2 || inside[len(inside)-1] != ']' {
		return 0, 0, false, false
	}
	ino, ok = parseDecimal(inside[:len(inside)-1])
	if !ok {
		return 0, 0, false, false
	}
	if string(name) == "socket" {
		return 0, ino, true, true
	}
	t, ok = typeOfName(name)
	return t, ino, false, ok
}

// parseDecimal parses an unsigned decimal number without allocating.
func parseDecimal(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// resolveSockets finds the network namespace of each socket, asking the
// kernel once per socket: a socket shared by several processes (inherited
// across fork) is asked about through the lowest pid and descriptor that
// has it. A socket whose process or descriptor went away since it was
// listed is left out.
func (sc *scanner) resolveSockets(sockets []socketFD) []fdHold {
	if len(sockets) == 0 {
		return nil
	}
	slices.SortFunc(sockets, func(a, b socketFD) int {
		return cmp.Or(cmp.Compare(a.ino, b.ino), cmp.Compare(a.pid, b.pid), cmp.Compare(a.fd, b.fd))
	})
	sockets = slices.CompactFunc(sockets, func(a, b socketFD) bool { return a.ino == b.ino })
	// One pidfd per process: group the sockets by pid.
	slices.SortFunc(sockets, func(a, b socketFD) int {
		return cmp.Or(cmp.Compare(a.pid, b.pid), cmp.Compare(a.fd, b.fd))
	})
	var groups [][]socketFD
	for i := 0; i < len(sockets); {
		j := i + 1
		for j < len(sockets) && sockets[j].pid == sockets[i].pid {
			j++
		}
		groups = append(groups, sockets[i:j])
		i = j
	}
	results := make([][]fdHold, sc.opts.Workers)
	parallel(len(groups), sc.opts.Workers, func(worker, i int) {
		results[worker] = append(results[worker], sc.resolveSocketsOf(groups[i])...)
	})
	return slices.Concat(results...)
}

// resolveSocketsOf finds the network namespaces of sockets of one
// process.
func (sc *scanner) resolveSocketsOf(sockets []socketFD) []fdHold {
	pidfd, err := unix.PidfdOpen(sockets[0].pid, 0)
	if err != nil {
		if !isGone(err) {
			sc.unreadableOther.Add(1)
		}
		return nil
	}
	defer unix.Close(pidfd)
	var holds []fdHold
	for _, s := range sockets {
		id, err := socketNamespace(pidfd, s.fd)
		if err != nil {
			if !isGone(err) && !errors.Is(err, unix.EBADF) {
				sc.unreadableOther.Add(1)
			}
			continue
		}
		holds = append(holds, fdHold{id: id, typ: Net, pid: s.pid, fd: s.fd, socket: true})
	}
	return holds
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
