package inspect

import (
	"cmp"
	"errors"
	"slices"

	"github.com/nsdive/nsdive/internal/inside"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// resolveSockets returns the network namespace of each socket, by inode,
// finding it once per socket: a socket that several processes share
// (inherited across fork, or passed) is looked at through the lowest pid
// and descriptor that has it. A socket whose process or descriptor went
// away since it was listed is left out.
//
// Asking the kernel costs five system calls a socket, and a busy host has
// thousands of sockets, most of them in the scanner's own network
// namespace, which has member processes: such a socket can only matter as
// a holder of that namespace, and one sock_diag dump per family lists
// them all at once. So when there are many sockets, those the dumps list
// are placed there without asking; the rest (other namespaces, other
// families) are asked about one by one.
func (sc *scanner) resolveSockets(sockets []socketFD) map[uint64]NamespaceID {
	if len(sockets) == 0 {
		return nil
	}
	sockets = slices.Clone(sockets)
	slices.SortFunc(sockets, func(a, b socketFD) int {
		return cmp.Or(cmp.Compare(a.ino, b.ino), cmp.Compare(a.pid, b.pid), cmp.Compare(a.fd, b.fd))
	})
	sockets = slices.CompactFunc(sockets, func(a, b socketFD) bool { return a.ino == b.ino })
	found := make(map[uint64]NamespaceID, len(sockets))
	sockets = slices.DeleteFunc(sockets, func(s socketFD) bool {
		if !s.net.IsZero() {
			found[s.ino] = s.net
			return true
		}
		return false
	})
	if len(sockets) >= minSocketsForDiag && !sc.self[LinkNet].IsZero() {
		own := ownNetnsSockets()
		sockets = slices.DeleteFunc(sockets, func(s socketFD) bool {
			if own[s.ino] {
				found[s.ino] = sc.self[LinkNet]
				return true
			}
			return false
		})
	}
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
	results := make([][]socketNS, sc.opts.Workers)
	parallel(len(groups), sc.opts.Workers, func(worker, i int) {
		results[worker] = append(results[worker], sc.resolveSocketsOf(groups[i])...)
	})
	for _, r := range slices.Concat(results...) {
		found[r.ino] = r.id
	}
	return found
}

// socketNS is a socket and the network namespace it was created in.
type socketNS struct {
	ino uint64
	id  NamespaceID
}

// resolveSocketsOf asks the kernel for the network namespaces of sockets
// of one process.
func (sc *scanner) resolveSocketsOf(sockets []socketFD) []socketNS {
	pidfd, err := unix.PidfdOpen(sockets[0].pid, 0)
	if err != nil {
		if !isGone(err) {
			sc.unreadableOther.Add(1)
		}
		return nil
	}
	defer unix.Close(pidfd)
	var out []socketNS
	for _, s := range sockets {
		id, err := socketNamespace(pidfd, s.fd)
		if err != nil {
			if !isGone(err) && !errors.Is(err, unix.EBADF) {
				sc.unreadableOther.Add(1)
			}
			continue
		}
		out = append(out, socketNS{ino: s.ino, id: id})
	}
	return out
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

// minSocketsForDiag is how many sockets must wait for their namespace
// before resolveSockets lists those of the scanner's own network namespace:
// below it, asking about each costs less than the dumps.
const minSocketsForDiag = 32

// ownNetnsSockets returns the inodes of the sockets that sock_diag lists
// in the calling thread's network namespace (the scanner's: its threads
// never leave it): unix, TCP and UDP over IPv4 and IPv6, the families
// nearly every socket is. A dump that fails or is cut short lists fewer,
// which only leaves more to ask about.
//
// Equivalent to: ss -xtuan
func ownNetnsSockets() map[uint64]bool {
	own := make(map[uint64]bool)
	if unixSockets, err := netlink.UnixSocketDiag(); err == nil || errors.Is(err, netlink.ErrDumpInterrupted) {
		for _, s := range unixSockets {
			own[uint64(s.INode)] = true
		}
	}
	for _, family := range []uint8{unix.AF_INET, unix.AF_INET6} {
		for _, dump := range []func(uint8) ([]*netlink.Socket, error){netlink.SocketDiagTCP, netlink.SocketDiagUDP} {
			sockets, err := dump(family)
			if err != nil && !errors.Is(err, netlink.ErrDumpInterrupted) {
				continue
			}
			for _, s := range sockets {
				if s.INode != 0 { // a TIME_WAIT socket has no inode
					own[uint64(s.INode)] = true
				}
			}
		}
	}
	return own
}
