package inspect

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// Type is a kind of Linux namespace.
type Type uint8

// The namespace types, in the order lsns and /proc/PID/ns list them.
const (
	Cgroup Type = iota
	IPC
	Mnt
	Net
	PID
	Time
	User
	UTS
	numTypes
)

// Types lists every namespace type.
var Types = [...]Type{Cgroup, IPC, Mnt, Net, PID, Time, User, UTS}

// TypeSet is a set of namespace types; the zero value is empty.
type TypeSet uint16

// AllTypes holds every namespace type.
const AllTypes TypeSet = 1<<numTypes - 1

// TypesOf returns the set of ts.
func TypesOf(ts ...Type) TypeSet {
	var s TypeSet
	for _, t := range ts {
		s |= 1 << t
	}
	return s
}

// Has reports whether t is in the set.
func (s TypeSet) Has(t Type) bool { return s&(1<<t) != 0 }

// typeTable holds each type's /proc name, CLONE_NEW* flag and the inode
// number the kernel gives its initial namespace (enum init_ns_ino in
// include/uapi/linux/nsfs.h). ipc, uts, user and pid have had fixed
// numbers since Linux 3.8, cgroup and time since they exist; net and mnt
// only on recent kernels (6.18 has them): before, they were numbered like any
// other namespace, so alwaysFixed is false for them.
var typeTable = [numTypes]struct {
	name        string
	flag        int
	initialIno  uint64
	alwaysFixed bool
}{
	Cgroup: {"cgroup", unix.CLONE_NEWCGROUP, 0xEFFFFFFB, true},
	IPC:    {"ipc", unix.CLONE_NEWIPC, 0xEFFFFFFF, true},
	Mnt:    {"mnt", unix.CLONE_NEWNS, 0xEFFFFFF8, false},
	Net:    {"net", unix.CLONE_NEWNET, 0xEFFFFFF9, false},
	PID:    {"pid", unix.CLONE_NEWPID, 0xEFFFFFFC, true},
	Time:   {"time", unix.CLONE_NEWTIME, 0xEFFFFFFA, true},
	User:   {"user", unix.CLONE_NEWUSER, 0xEFFFFFFD, true},
	UTS:    {"uts", unix.CLONE_NEWUTS, 0xEFFFFFFE, true},
}

// String returns the type's name as in /proc/PID/ns and lsns ("net").
func (t Type) String() string {
	if t >= numTypes {
		return fmt.Sprintf("Type(%d)", t)
	}
	return typeTable[t].name
}

// CloneFlag returns the CLONE_NEW* flag that creates a namespace of this type.
func (t Type) CloneFlag() int { return typeTable[t].flag }

// typeOfFlag returns the Type whose CLONE_NEW* flag is flag, as the
// NS_GET_NSTYPE ioctl answers.
func typeOfFlag(flag int) (Type, bool) {
	for _, t := range Types {
		if typeTable[t].flag == flag {
			return t, true
		}
	}
	return 0, false
}

// ParseType returns the Type named s ("net", "mnt", ...).
func ParseType(s string) (Type, error) {
	for _, t := range Types {
		if typeTable[t].name == s {
			return t, nil
		}
	}
	names := make([]string, len(Types))
	for i, t := range Types {
		names[i] = t.String()
	}
	return 0, fmt.Errorf("unknown namespace type %q (want one of %s)", s, strings.Join(names, ", "))
}

// Link is one entry of /proc/PID/ns: a namespace type, or the namespace a
// process's future children get (pid_for_children, time_for_children).
type Link uint8

// The links of /proc/PID/ns.
const (
	LinkCgroup Link = iota
	LinkIPC
	LinkMnt
	LinkNet
	LinkPID
	LinkPIDForChildren
	LinkTime
	LinkTimeForChildren
	LinkUser
	LinkUTS
	NumLinks
)

var linkTable = [NumLinks]struct {
	name string
	typ  Type
}{
	LinkCgroup:          {"cgroup", Cgroup},
	LinkIPC:             {"ipc", IPC},
	LinkMnt:             {"mnt", Mnt},
	LinkNet:             {"net", Net},
	LinkPID:             {"pid", PID},
	LinkPIDForChildren:  {"pid_for_children", PID},
	LinkTime:            {"time", Time},
	LinkTimeForChildren: {"time_for_children", Time},
	LinkUser:            {"user", User},
	LinkUTS:             {"uts", UTS},
}

// Name returns the link's file name under /proc/PID/ns.
func (l Link) Name() string { return linkTable[l].name }

// Type returns the type of namespace the link points to.
func (l Link) Type() Type { return linkTable[l].typ }

// String returns the link's file name.
func (l Link) String() string { return l.Name() }

// LinkOf returns the link through which a process is a member of a
// namespace of type t (LinkNet for Net, LinkPID for PID, ...).
func LinkOf(t Type) Link {
	for l := Link(0); l < NumLinks; l++ {
		if linkTable[l].typ == t && !l.ForChildren() {
			return l
		}
	}
	panic(fmt.Sprintf("no link for namespace type %d", t))
}

// ForChildren reports whether the link names the namespace a process's
// children will get rather than its own.
func (l Link) ForChildren() bool {
	return l == LinkPIDForChildren || l == LinkTimeForChildren
}

// NamespaceID identifies a namespace: the device and inode of its nsfs file.
// The zero value means unknown.
type NamespaceID struct {
	Dev uint64
	Ino uint64
}

// IsZero reports whether the ID is unknown.
func (id NamespaceID) IsZero() bool { return id.Ino == 0 }

// String returns the inode number, as lsns prints it.
func (id NamespaceID) String() string { return fmt.Sprint(id.Ino) }

// NamespaceSet holds a process's namespaces, indexed by Link. An unreadable
// link is the zero NamespaceID.
type NamespaceSet [NumLinks]NamespaceID

// Of returns the namespace of type t the process is a member of.
func (s *NamespaceSet) Of(t Type) NamespaceID { return s[LinkOf(t)] }
