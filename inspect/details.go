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
// net namespaces are read from inside, through their opened nsfs file.
func (sc *scanner) scanDetails(snap *Snapshot) {
	nets := make(map[NamespaceID]*NetInfo)
	netPaths := make(map[NamespaceID]string)
	var keep []int
	defer func() {
		for _, fd := range keep {
			unix.Close(fd)
		}
		sc.closeVisitors()
	}()
	for _, ns := range snap.SortedNamespaces() {
		if !sc.opts.Details.Has(ns.Type) {
			continue
		}
		if sc.ctx.Err() != nil {
			return
		}
		fd, err := sc.readDetails(snap, ns)
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
	if err := resolveVethPeers(sc.visitorFor(Net), nets, netPaths); err != nil {
		sc.unreadableOther.Add(1)
	}
}

// readDetails reads what is inside ns into ns.Details. For a network
// namespace it returns the namespace's open nsfs file, which the caller
// closes once veth peers are resolved; -1 otherwise.
func (sc *scanner) readDetails(snap *Snapshot, ns *Namespace) (int, error) {
	switch ns.Type {
	case User, Time, Cgroup:
		return -1, sc.readMemberDetails(snap, ns)
	case UTS, IPC, Net:
		fd, err := openNamespace(snap, ns)
		if err != nil {
			return -1, err
		}
		path := fdPath(fd)
		join := sc.visitorFor(ns.Type)
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

// visitorFor returns the joinFunc of the scan's visitor of namespaces of
// type t: one thread for all of them (see inside.Visitor), started at its
// first use and ended by closeVisitors. The details are read one
// namespace at a time, so the visitors need no lock.
func (sc *scanner) visitorFor(t Type) joinFunc {
	return func(nsPath string, fn func() error) error {
		v := sc.visitors[t]
		if v == nil {
			var err error
			if v, err = inside.NewVisitor(t.CloneFlag()); err != nil {
				return err
			}
			if sc.visitors == nil {
				sc.visitors = make(map[Type]*inside.Visitor)
			}
			sc.visitors[t] = v
		}
		return v.Run(nsPath, fn)
	}
}

// closeVisitors ends the threads of the scan's visitors.
func (sc *scanner) closeVisitors() {
	for t, v := range sc.visitors {
		v.Close()
		delete(sc.visitors, t)
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
