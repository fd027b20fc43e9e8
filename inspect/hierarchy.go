package inspect

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// scanHierarchy asks the kernel for every namespace's owning user
// namespace, the parent of every pid and user namespace and the uid that
// created every user namespace. Ancestors that no process is in (a user
// namespace between two others, say) are added as they are found.
func (sc *scanner) scanHierarchy(snap *Snapshot) {
	for _, ns := range snap.SortedNamespaces() {
		if sc.ctx.Err() != nil {
			return
		}
		if sc.carryHierarchy(snap, ns) {
			continue
		}
		fd, err := openNamespace(snap, ns)
		if err != nil {
			sc.unreadableOther.Add(1)
			continue
		}
		sc.walkUp(snap, ns, fd)
	}
}

// walkUp fills in ns's owner and parent from its open file fd, and goes on
// up through ancestors not seen before. It closes fd.
func (sc *scanner) walkUp(snap *Snapshot, ns *Namespace, fd int) {
	defer unix.Close(fd)
	if serial, err := nsSerial(fd); err == nil {
		ns.Serial = serial
	}
	if ns.Type == User {
		if uid, err := unix.IoctlGetUint32(fd, unix.NS_GET_OWNER_UID); err == nil {
			ns.OwnerUID = int(uid)
		}
	}
	if ownerFD, err := unix.IoctlRetInt(fd, unix.NS_GET_USERNS); err == nil {
		if owner, isNew := sc.related(snap, ownerFD, User); owner != nil {
			ns.Owner = owner.ID
			if isNew {
				sc.walkUp(snap, owner, ownerFD)
			} else {
				unix.Close(ownerFD)
			}
		}
	}
	if ns.Type != PID && ns.Type != User {
		return
	}
	if ns.Type == User {
		ns.Parent = ns.Owner // a user namespace's owner is its parent
		return
	}
	parentFD, err := unix.IoctlRetInt(fd, unix.NS_GET_PARENT)
	if err != nil {
		return // EPERM: the root, or outside the scanner's reach
	}
	parent, isNew := sc.related(snap, parentFD, PID)
	if parent == nil {
		return
	}
	ns.Parent = parent.ID
	if isNew {
		sc.walkUp(snap, parent, parentFD)
	} else {
		unix.Close(parentFD)
	}
}

// related looks up the namespace of an fd an ioctl returned, adding it to
// the snapshot if it is new. It closes fd on failure.
func (sc *scanner) related(snap *Snapshot, fd int, t Type) (*Namespace, bool) {
	id, err := fstatID(fd)
	if err != nil {
		unix.Close(fd)
		return nil, false
	}
	if ns := snap.Namespaces[id]; ns != nil {
		return ns, false
	}
	return snap.namespace(id, t), true
}

// nsGetID is NS_GET_ID, _IOR(0xb7, 0xd, __u64) in include/uapi/linux/nsfs.h
// (Linux 6.18+), which golang.org/x/sys does not have yet.
const nsGetID = 0x8008b70d

// nsSerial returns the 64-bit id of the namespace open at fd.
func nsSerial(fd int) (uint64, error) {
	var id uint64
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), nsGetID, uintptr(unsafe.Pointer(&id))); errno != 0 {
		return 0, fmt.Errorf("NS_GET_ID: %w", errno)
	}
	return id, nil
}
