package inspect

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// scanHierarchy asks the kernel for every namespace's owning user
// namespace, the parent of every pid and user namespace and the uid that
// created every user namespace. Ancestors that no process is in (a user
// namespace between two others, say) are added as they are found.
func (sc *scanner) scanHierarchy(snap *Snapshot) {
	for _, ns := range snap.SortedNamespaces() {
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

// errNoPath says nothing in the snapshot leads to a namespace's file.
var errNoPath = errors.New("no process, mount or descriptor leads to it")

// openNamespace opens a namespace's nsfs file through whatever leads to
// it: a member process's link, a for_children link, a bind mount (seen
// through a process in the mount namespace that has it) or a descriptor.
func openNamespace(snap *Snapshot, ns *Namespace) (int, error) {
	var lastErr error = errNoPath
	try := func(path string) (int, bool) {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			lastErr = err
			return -1, false
		}
		return fd, true
	}
	for _, p := range ns.Processes {
		if fd, ok := try(taskPath(snap.ProcRoot, p, "ns/"+LinkOf(ns.Type).Name())); ok {
			return fd, nil
		}
	}
	for _, h := range ns.Holders {
		switch h.Kind {
		case HeldForChildren:
			link := LinkPIDForChildren
			if ns.Type == Time {
				link = LinkTimeForChildren
			}
			if fd, ok := try(fmt.Sprintf("%s/%d/ns/%s", snap.ProcRoot, h.PID, link.Name())); ok {
				return fd, nil
			}
		case HeldByFD:
			if fd, ok := try(fmt.Sprintf("%s/%d/fd/%d", snap.ProcRoot, h.PID, h.FD)); ok {
				return fd, nil
			}
		case HeldByMount:
			if mntns := snap.Namespaces[h.MountNS]; mntns != nil {
				for _, p := range mntns.Processes {
					if fd, ok := try(taskPath(snap.ProcRoot, p, "root"+h.Path)); ok {
						return fd, nil
					}
				}
			}
		case HeldBySocket:
			pidfd, err := unix.PidfdOpen(h.PID, 0)
			if err != nil {
				lastErr = err
				continue
			}
			sock, err := unix.PidfdGetfd(pidfd, h.FD, 0)
			unix.Close(pidfd)
			if err != nil {
				lastErr = err
				continue
			}
			fd, err := unix.IoctlRetInt(sock, unix.SIOCGSKNS)
			unix.Close(sock)
			if err == nil {
				return fd, nil
			}
			lastErr = err
		}
	}
	return -1, fmt.Errorf("open %s namespace %d: %w", ns.Type, ns.ID.Ino, lastErr)
}
