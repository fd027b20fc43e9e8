package inspect

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// errNoMember says a detail can be read only through a member process.
var errNoMember = errors.New("no process is in it to read it through")

// scanDetails reads what is inside every namespace. Files under
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
	}()
	for _, ns := range snap.SortedNamespaces() {
		var err error
		switch ns.Type {
		case User, Time, Cgroup:
			err = sc.readMemberDetails(snap, ns)
		case UTS, IPC, Net:
			var fd int
			if fd, err = openNamespace(snap, ns); err != nil {
				break
			}
			path := fmt.Sprintf("/proc/self/fd/%d", fd)
			switch ns.Type {
			case UTS:
				ns.Details.UTS, err = readUTS(path)
			case IPC:
				ns.Details.IPC, err = readIPC(path)
			case Net:
				if ns.Details.Net, err = readNet(path); err == nil {
					nets[ns.ID] = ns.Details.Net
					netPaths[ns.ID] = path
					keep = append(keep, fd)
					continue
				}
			}
			unix.Close(fd)
		}
		if err != nil {
			ns.Details.Err = err
			sc.unreadableOther.Add(1)
		}
	}
	// Listing a namespace's links can make the kernel assign ids to the
	// namespaces of remote veth peers, so the ids are read after every
	// listing, as a later `ip netns list-id` or lsns would see them.
	for id, path := range netPaths {
		nsid, err := netnsIDOf(path)
		if err != nil {
			nsid = -1
		}
		snap.Namespaces[id].NetNSID = nsid
	}
	if err := resolveVethPeers(nets, netPaths); err != nil {
		sc.unreadableOther.Add(1)
	}
}

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
