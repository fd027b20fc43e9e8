package inspect

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// ReadOwnerUID asks the kernel which uid created user namespace ns
// (NS_GET_OWNER_UID), as lsns shows in USER for a user namespace that no
// process is in. It opens the namespace through whatever holds it and
// changes nothing in the snapshot.
func (s *Snapshot) ReadOwnerUID(ns *Namespace) (int, error) {
	if ns.Type != User {
		return -1, fmt.Errorf("owner uid of %s namespace %d: only user namespaces have one", ns.Type, ns.ID.Ino)
	}
	fd, err := openNamespace(s, ns)
	if err != nil {
		return -1, err
	}
	defer unix.Close(fd)
	uid, err := unix.IoctlGetUint32(fd, unix.NS_GET_OWNER_UID)
	if err != nil {
		return -1, fmt.Errorf("NS_GET_OWNER_UID of user namespace %d: %w", ns.ID.Ino, err)
	}
	return int(uid), nil
}
