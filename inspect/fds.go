package inspect

import (
	"bytes"
	"fmt"

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
	// net is the socket's network namespace when the last scan found it
	// and the descriptor table has not changed since; zero otherwise.
	net NamespaceID
}

// fdWorker is what one worker of the process pass reads of descriptors.
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
// descriptor, whose target names an nsfs file's namespace outright. An
// nsfs file opened through a bind mount reads as the mount's path while
// it is mounted (the mount is found as a holder then), and as "/" once it
// is detached: only those are stat'ed. A
// socket's namespace can only be asked for (pidfd_getfd, then SIOCGSKNS:
// five system calls), so each socket is looked at once however many
// processes share it, and on a host with many, most without asking (see
// resolveSockets).
func (sc *scanner) findDescriptors(snap *Snapshot) error {
	var holds []fdHold
	var sockets []socketFD
	for _, w := range sc.workers {
		holds = append(holds, w.fds.holds...)
		sockets = append(sockets, w.fds.sockets...)
	}
	netOf := sc.resolveSockets(sockets)
	if sc.next != nil {
		sc.next.sockets = netOf
	}
	for _, s := range sockets {
		id, ok := netOf[s.ino]
		// A socket in its own process's namespace holds nothing the
		// process does not.
		if p := snap.Processes[s.pid]; ok && (p == nil || p.Namespaces[LinkNet] != id) {
			holds = append(holds, fdHold{id: id, typ: Net, pid: s.pid, fd: s.fd, socket: true})
		}
	}
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
			sw.unreadableOther++
		}
		return
	}
	defer unix.Close(dirfd)
	for {
		n, err := unix.Getdents(dirfd, w.dents)
		if err != nil {
			if !isGone(err) {
				sw.unreadableOther++
			}
			return
		}
		if n == 0 {
			return
		}
		for rest := w.dents[:n]; len(rest) > 0; {
			var name []byte
			if name, rest, err = nextDirent(rest); err != nil {
				sw.unreadableOther++
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
			case !ok && m == 1 && w.link[0] == '/':
				// An nsfs file opened through a bind mount that has
				// since been unmounted (ip netns del) reads "/".
				if h, ok := sc.detachedNSFS(dirfd, name, pid, fd); ok {
					w.holds = append(w.holds, h)
				}
			case !ok:
			case socket:
				w.sockets = append(w.sockets, socketFD{ino: ino, pid: pid, fd: fd})
			default:
				w.holds = append(w.holds, fdHold{id: NamespaceID{sc.nsfsDev, ino}, typ: t, pid: pid, fd: fd})
			}
		}
	}
}

// detachedNSFS tells whether descriptor name (NUL-terminated, as
// nextDirent gives it) of dirfd, whose link reads
// "/", is an nsfs file, and which namespace it holds: a stat tells the
// device and inode, NS_GET_NSTYPE the type. A process that keeps the root
// directory open reads "/" too; the stat tells it apart.
func (sc *scanner) detachedNSFS(dirfd int, name []byte, pid, fd int) (fdHold, bool) {
	var st unix.Stat_t
	if unix.Fstatat(dirfd, string(bytes.TrimSuffix(name, []byte{0})), &st, 0) != nil || sc.nsfsDev == 0 || st.Dev != sc.nsfsDev {
		return fdHold{}, false
	}
	way := inside.Way{Path: fmt.Sprintf("%s/%d/fd/%d", sc.opts.ProcRoot, pid, fd), Ino: st.Ino}
	nsfd, err := way.Open()
	if err != nil {
		return fdHold{}, false
	}
	defer unix.Close(nsfd)
	flag, err := unix.IoctlRetInt(nsfd, unix.NS_GET_NSTYPE)
	if err != nil {
		return fdHold{}, false
	}
	t, ok := typeOfFlag(flag)
	return fdHold{id: NamespaceID{sc.nsfsDev, st.Ino}, typ: t, pid: pid, fd: fd}, ok
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
