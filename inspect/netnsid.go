package inspect

import (
	"golang.org/x/sys/unix"
)

// scanNetNSIDs reads the id the scanner's network namespace gives each
// network namespace: lsns's NETNSID. It opens each namespace's file and
// asks from outside; no namespace is entered. It runs after the details,
// whose link listings can make the kernel assign ids to the namespaces of
// remote veth peers, so the ids are those a later `ip netns list-id` or
// lsns would see.
func (sc *scanner) scanNetNSIDs(snap *Snapshot) {
	for _, ns := range snap.SortedNamespaces() {
		if ns.Type != Net {
			continue
		}
		if sc.ctx.Err() != nil {
			return
		}
		nsid, err := readNetNSID(snap, ns)
		if err != nil {
			sc.unreadableOther.Add(1)
			continue
		}
		ns.NetNSID = nsid
	}
}

// readNetNSID reads the netnsid of network namespace ns (see
// scanNetNSIDs).
func readNetNSID(snap *Snapshot, ns *Namespace) (int, error) {
	fd, err := openNamespace(snap, ns)
	if err != nil {
		return -1, err
	}
	defer unix.Close(fd)
	return netnsIDOf(fdPath(fd))
}
