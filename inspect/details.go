package inspect

import (
	"errors"
	"fmt"

	"github.com/nsdive/nsdive/internal/inside"
	"golang.org/x/sys/unix"
)

// errNoMember says a detail can be read only through a member process.
var errNoMember = errors.New("no process is in it to read it through")

// scanDetails reads what is inside every namespace of the types
// Options.Details asks for, until the scan is cancelled. Files under
// /proc/PID are enough for user, time and cgroup namespaces; uts, ipc and
// net namespaces are read from inside, through their opened nsfs file, on
// one thread per type that visits them all (inside.Visit).
func (sc *scanner) scanDetails(snap *Snapshot) {
	byType := make(map[Type][]*Namespace)
	for _, ns := range snap.SortedNamespaces() {
		if sc.opts.Details.Has(ns.Type) {
			byType[ns.Type] = append(byType[ns.Type], ns)
		}
	}
	for _, t := range Types {
		nss := byType[t]
		if len(nss) == 0 || sc.ctx.Err() != nil {
			continue
		}
		if !readFromInside(t) {
			sc.readAllDetails(snap, nss, nil)
			continue
		}
		err := inside.Visit(t.CloneFlag(), func(hop func(string) error) error {
			sc.readAllDetails(snap, nss, func(nsPath string, fn func() error) error {
				if err := hop(nsPath); err != nil {
					return err
				}
				return fn()
			})
			return nil
		})
		if err != nil {
			for _, ns := range nss {
				ns.Details.Err = err
			}
			sc.unreadableOther.Add(int64(len(nss)))
		}
	}
}

// readFromInside reports whether the details of namespaces of type t are
// read from inside them.
func readFromInside(t Type) bool { return t == UTS || t == IPC || t == Net }

// readAllDetails reads the details of nss, all of one type, joining them
// through join where their type needs it; for network namespaces it then
// resolves the veth peers among them.
func (sc *scanner) readAllDetails(snap *Snapshot, nss []*Namespace, join joinFunc) {
	nets := make(map[NamespaceID]*NetInfo)
	netPaths := make(map[NamespaceID]string)
	var keep []int
	defer func() {
		for _, fd := range keep {
			unix.Close(fd)
		}
	}()
	for _, ns := range nss {
		if sc.ctx.Err() != nil {
			return
		}
		fd, err := sc.readDetails(snap, ns, join)
		if err != nil {
			ns.Details.Err = err
			sc.unreadableOther.Add(1)
			continue
		}
		if fd >= 0 {
			nets[ns.ID] = ns.Details.Net
			netPaths[ns.ID] = fdPath(fd)
			keep = append(keep, fd)
		}
	}
	if len(nets) == 0 {
		return
	}
	if err := resolveVethPeers(join, nets, netPaths); err != nil {
		sc.unreadableOther.Add(1)
	}
}

// readDetails reads what is inside ns into ns.Details, joining it through
// join where its type needs it. For a network namespace it returns the
// namespace's open nsfs file, which the caller closes once veth peers
// are resolved; -1 otherwise.
func (sc *scanner) readDetails(snap *Snapshot, ns *Namespace, join joinFunc) (int, error) {
	switch ns.Type {
	case User, Time, Cgroup:
		return -1, sc.readMemberDetails(snap, ns)
	case UTS, IPC, Net:
		fd, err := openNamespace(snap, ns)
		if err != nil {
			return -1, err
		}
		path := fdPath(fd)
		switch ns.Type {
		case UTS:
			ns.Details.UTS, err = readUTS(join, path)
		case IPC:
			ns.Details.IPC, err = readIPC(join, path)
		case Net:
			if ns.Details.Net, err = readNet(join, path); err == nil {
				return fd, nil
			}
		}
		unix.Close(fd)
		return -1, err
	}
	return -1, nil
}

// joinFunc runs fn on a thread that has joined the namespace at nsPath.
type joinFunc func(nsPath string, fn func() error) error

// joinOnce is a joinFunc for namespaces of type t that joins each on a
// throwaway thread (inside.Run): for reading one namespace.
func joinOnce(t Type) joinFunc {
	return func(nsPath string, fn func() error) error {
		return inside.Run(nsPath, t.CloneFlag(), fn)
	}
}

// fdPath is the path that opens what descriptor fd of this process is.
func fdPath(fd int) string { return fmt.Sprintf("/proc/self/fd/%d", fd) }

// readMemberDetails reads a user, time or cgroup namespace's details from
// the /proc files of its lowest member process (for time, see
// readTimeDetails).
func (sc *scanner) readMemberDetails(snap *Snapshot, ns *Namespace) error {
	if ns.Type == Time {
		var err error
		ns.Details.Time, err = readTimeDetails(snap, ns)
		return err
	}
	p := ns.Lowest()
	if p == nil {
		return fmt.Errorf("read %s namespace %d: %w", ns.Type, ns.ID.Ino, errNoMember)
	}
	var err error
	switch ns.Type {
	case User:
		ns.Details.User, err = readUserInfo(snap.ProcRoot, p.TGID)
	case Cgroup:
		ns.Details.Cgroup, err = readCgroupInfo(snap.ProcRoot, p.TGID)
	}
	return err
}
