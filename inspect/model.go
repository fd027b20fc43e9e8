package inspect

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Process is one task seen in /proc: a process, or a thread whose
// namespaces differ from its thread-group leader's.
//
// A field that a scan may leave out is valid only when Read has its Field:
// a lazy scan leaves PPID 0 and Comm empty, which Has(FieldStat) tells
// apart from a process whose parent is outside the scanner's view.
type Process struct {
	PID  int // the task id in the scanner's pid namespace
	TGID int // the thread-group leader; equal to PID for a process
	PPID int
	Comm string
	// Cmdline is the argument vector; empty for kernel threads.
	Cmdline []string
	// UID owns the process's /proc directory, as lsns's UID column: the
	// effective uid, or root for a process that is not dumpable; -1 when
	// unknown.
	UID   int
	State byte
	// StartTime is the start time in clock ticks after boot; a pid whose
	// start time changes during a scan was reused and is dropped. With
	// the PID it identifies the process (see Key).
	StartTime uint64
	// NSpid is the pid in each pid namespace from the scanner's down to
	// the process's own; nil inside the scanner's.
	NSpid      []int
	Namespaces NamespaceSet
	// Cgroup is the process's cgroup path (cgroup v2, or v1's
	// name=systemd hierarchy); empty when not read.
	Cgroup    string
	Container *Container
	// Read says which of the fields above were read.
	Read Fields
}

// IsThread reports whether the task is a thread rather than a process.
func (p *Process) IsThread() bool { return p.TGID != p.PID }

// Container names the container a process belongs to, as guessed from its
// cgroup path, with the name its engine gives it where the engine keeps
// names in files (see nameContainers).
type Container struct {
	Engine string // docker, containerd, kubernetes, podman, lxc, nspawn
	ID     string // short id, or name where the engine uses names
	// Name is the engine's name for the container (docker, podman);
	// empty when unknown.
	Name string
	// Pod is the pod the container is in: a kubernetes pod's uid or a
	// podman pod's short id; empty when none.
	Pod    string
	fullID string // the whole 64-hex id, where the cgroup path has it
}

// String shows the container as "engine:name id", or "engine:id" when
// its name is unknown.
func (c *Container) String() string {
	if c.Name == "" {
		return c.Engine + ":" + c.ID
	}
	return c.Engine + ":" + c.Name + " " + c.ID
}

// same reports whether c and o are the same container.
func (c *Container) same(o *Container) bool {
	return c.Engine == o.Engine && c.ID == o.ID
}

// compareContainers orders containers by engine, pod, name and id.
func compareContainers(a, b *Container) int {
	return cmp.Or(cmp.Compare(a.Engine, b.Engine), cmp.Compare(a.Pod, b.Pod),
		cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
}

// HolderKind says how a namespace is kept alive.
type HolderKind uint8

// The ways a namespace can be held besides by its member processes.
const (
	HeldByMount     HolderKind = iota // an nsfs bind mount
	HeldByFD                          // an open file descriptor
	HeldBySocket                      // a socket created inside a network namespace
	HeldForChildren                   // a process's pid_for_children or time_for_children
)

// String names the holder kind ("mount", "fd", "socket").
func (k HolderKind) String() string {
	return [...]string{"mount", "fd", "socket", "for_children"}[k]
}

// Holder is something other than a member process that keeps a namespace
// alive.
type Holder struct {
	Kind HolderKind
	// Path is the mount point for HeldByMount, as seen in MountNS.
	Path    string
	MountNS NamespaceID
	// PID and FD locate the descriptor for HeldByFD and HeldBySocket; PID
	// alone is the process for HeldForChildren.
	PID int
	FD  int
}

// Namespace is one namespace and everything known about it.
type Namespace struct {
	ID   NamespaceID
	Type Type
	// Processes are the member tasks, sorted by pid; threads appear only
	// where they differ from their leader.
	Processes []*Process
	// Holders keep the namespace alive besides its processes.
	Holders []Holder
	// Parent is the parent pid or user namespace; zero for other types,
	// for the root of a hierarchy, or when the kernel would not say.
	Parent NamespaceID
	// Owner is the user namespace that owns this one (for a user
	// namespace, its parent); zero when unknown.
	Owner    NamespaceID
	OwnerUID int // uid that created a user namespace; -1 when unknown
	// Serial is the kernel's 64-bit id of the namespace (NS_GET_ID,
	// Linux 6.18+), which, unlike the inode number, is never reused
	// while the host runs; 0 when not read (Options.Hierarchy reads it)
	// or the kernel has none. Diff uses it to tell a new namespace that
	// got a freed inode number from the old one.
	Serial uint64
	// NetNSID is the id the scanner's network namespace uses for this
	// one (ip netns list-id); -1 when none is assigned or when it was not
	// read (Snapshot.Has(PartNetNSID) tells).
	NetNSID int
	// Container is the one container whose processes are in the
	// namespace; nil when none is, or when several share it.
	Container *Container
	// Containers are all the containers whose processes are in the
	// namespace, sorted by engine, pod, name and id: several for a
	// namespace that a pod's containers share, or that docker's
	// --network container: joins.
	Containers []*Container
	Details    Details
}

// Details is what can be seen inside a namespace; only the part for the
// namespace's type is set, and only when Options.Details has the type
// (Snapshot.HasDetails tells): a nil part with a nil Err was not asked for.
type Details struct {
	UTS    *UTSInfo
	Net    *NetInfo
	User   *UserInfo
	Time   *TimeOffsets
	Cgroup *CgroupInfo
	IPC    *IPCInfo
	// Err says why the details could not be read.
	Err error
}

// UTSInfo is a uts namespace's names.
type UTSInfo struct {
	Hostname   string
	Domainname string
}

// NetInfo is what a network namespace holds.
type NetInfo struct {
	Interfaces []Interface
	Routes     []Route
}

// Interface is a network interface.
type Interface struct {
	Index  int
	Name   string
	Kind   string // "veth", "bridge", "device", ...
	State  string // "up", "down", "unknown", ...
	MAC    string
	MTU    int
	Addrs  []string // CIDR notation
	Master string   // the bridge or bond the interface is enslaved to
	Peer   *PeerRef // set for a veth whose peer was found
	// Stats are the interface's traffic counters when it was read; nil
	// when the kernel gave none (or a saved snapshot has none). Two
	// snapshots' counters over the time between their Taken give rates.
	Stats   *LinkStats
	linkNID int // the peer's netnsid as seen from this namespace, -1 when local
	peerIdx int // the peer's ifindex, 0 when not a veth
}

// LinkStats are an interface's counters since it was created, as the
// kernel keeps them (IFLA_STATS64, what ip -s link shows): they only grow,
// except that a 32-bit counter of an old driver wraps.
type LinkStats struct {
	RxBytes, TxBytes     uint64 // bytes received and sent
	RxPackets, TxPackets uint64 // packets received and sent
}

// PeerRef points at the other end of a veth pair.
type PeerRef struct {
	Namespace NamespaceID
	Index     int
	Name      string
}

// Route is one routing table entry of the main table.
type Route struct {
	Dst     string // CIDR, or "default"
	Gateway string // empty for a route without a gateway
	Dev     string
	Src     string // the preferred source address; empty when none
}

// UserInfo is a user namespace's id mappings.
type UserInfo struct {
	UIDMap    []IDMapRange
	GIDMap    []IDMapRange
	SetGroups string // "allow" or "deny"
}

// IDMapRange is one line of uid_map or gid_map.
type IDMapRange struct {
	Inside  uint32
	Outside uint32
	Length  uint32
}

// TimeOffsets are a time namespace's clock offsets against the host.
type TimeOffsets struct {
	Monotonic time.Duration
	Boottime  time.Duration
}

// CgroupInfo is a cgroup namespace's root, as seen from the scanner.
type CgroupInfo struct {
	Root string
}

// IPCInfo counts the System V IPC objects in an ipc namespace.
type IPCInfo struct {
	SharedMemory int
	Semaphores   int
	MessageQueue int
}

// NumProcs counts the member processes, leaving out threads (lsns NPROCS).
func (n *Namespace) NumProcs() int {
	count := 0
	for _, p := range n.Processes {
		if !p.IsThread() {
			count++
		}
	}
	return count
}

// Lowest returns the member process with the lowest pid, or nil.
func (n *Namespace) Lowest() *Process {
	for _, p := range n.Processes {
		if !p.IsThread() {
			return p
		}
	}
	if len(n.Processes) > 0 {
		return n.Processes[0]
	}
	return nil
}

// Snapshot is everything a scan found, at one moment.
type Snapshot struct {
	Taken    time.Time
	ProcRoot string
	// Processes maps task ids to tasks (threads included where they
	// differ from their leader).
	Processes  map[int]*Process
	Namespaces map[NamespaceID]*Namespace
	// Initial is the host's initial namespace set, from the kernel's
	// fixed inode numbers where it has them; a zero entry is unknown (see
	// UnknownInitial).
	Initial NamespaceSet
	// InitialPID is the process read for the initial namespaces whose
	// numbers are not fixed: 1, or 2 when pid 1's links are unreadable,
	// or 0 when neither could be read.
	InitialPID int
	// Mounts maps a mount namespace to its mount table; filled when
	// Options.Mounts is on.
	Mounts map[NamespaceID][]Mount
	// PeerGroups maps a peer group id to the mounts in it, across mount
	// namespaces.
	PeerGroups map[int][]MountRef
	Unreadable Unreadable
	// Parts says which optional parts the scan read, DetailTypes the
	// types whose details it read: a missing holder, owner or netnsid
	// means none only where its part was read.
	Parts       Part
	DetailTypes TypeSet

	opts      Options      // what the scan was asked to read, for refreshes
	self      NamespaceSet // the scanner's own namespaces
	scannedBy uint64       // boot time in clock ticks when the scan ended
}

// NewSnapshot returns an empty snapshot for a program that builds one from
// something other than a scan, such as a saved file (package schema):
// taken is when the original scan ran and self the namespaces of the
// program that ran it. Its maps are empty and ready to fill, and it has no
// ProcRoot, so Fill reads nothing and the Refresh methods refuse: its
// processes are what the builder gives them, not whatever has that pid on
// this host now.
func NewSnapshot(taken time.Time, self NamespaceSet) *Snapshot {
	return &Snapshot{
		Taken:      taken,
		Processes:  make(map[int]*Process),
		Namespaces: make(map[NamespaceID]*Namespace),
		Mounts:     make(map[NamespaceID][]Mount),
		PeerGroups: make(map[int][]MountRef),
		self:       self,
	}
}

// Self returns the namespaces of the program that took the snapshot, as it
// saw them then.
func (s *Snapshot) Self() NamespaceSet { return s.self }

// Unreadable counts what a scan could not read, usually for lack of
// permission.
type Unreadable struct {
	Processes int // processes whose namespace links could not be read
	Links     int // single links that could not be read
	Other     int // other files (fds, mountinfo, details)
}

// SortedNamespaces returns the namespaces ordered by type, then inode.
func (s *Snapshot) SortedNamespaces() []*Namespace {
	out := make([]*Namespace, 0, len(s.Namespaces))
	for _, ns := range s.Namespaces {
		out = append(out, ns)
	}
	slices.SortFunc(out, func(a, b *Namespace) int {
		if a.ID.Ino != b.ID.Ino {
			if a.ID.Ino < b.ID.Ino {
				return -1
			}
			return 1
		}
		return int(a.Type) - int(b.Type)
	})
	return out
}

// SortedProcesses returns the tasks ordered by pid.
func (s *Snapshot) SortedProcesses() []*Process {
	out := make([]*Process, 0, len(s.Processes))
	for _, p := range s.Processes {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *Process) int { return a.PID - b.PID })
	return out
}

// String describes the holder as "mount:/run/netns/blue@mnt:4026532246"
// (the path, then the mount namespace it is mounted in, when known),
// "fd:PID/FD", "socket:PID/FD" or "for_children:PID". Snapshot.HolderLabels
// leaves out the mount namespace where it is the reader's.
func (h Holder) String() string {
	switch h.Kind {
	case HeldByMount:
		if h.MountNS.IsZero() {
			return "mount:" + h.Path
		}
		return fmt.Sprintf("mount:%s@mnt:%d", h.Path, h.MountNS.Ino)
	case HeldForChildren:
		return fmt.Sprintf("for_children:%d", h.PID)
	}
	return fmt.Sprintf("%s:%d/%d", h.Kind, h.PID, h.FD)
}

// HolderLabels describes ns's holders as the HOLDERS column shows them:
// each as Holder.String does, but a bind mount's path once, as
// "mount:PATH" when it is mounted in the mount namespace of the program
// that took the snapshot (the path resolves there), otherwise as
// "mount:PATH@mnt:INODE", naming the first other mount namespace that has
// it. A mount namespace copied from another (as unshare --mount and every
// container make) carries its bind mounts along, so one path may be
// mounted in hundreds of them; ns.Holders lists every one.
func (s *Snapshot) HolderLabels(ns *Namespace) []string {
	var labels []string
	at := make(map[string]int) // a mount path's label, by index
	for _, h := range ns.Holders {
		if h.Kind != HeldByMount {
			labels = append(labels, h.String())
			continue
		}
		own := h.MountNS == s.self[LinkMnt]
		label := h.String()
		if own {
			label = "mount:" + h.Path
		}
		if i, seen := at[h.Path]; !seen {
			at[h.Path] = len(labels)
			labels = append(labels, label)
		} else if own {
			labels[i] = label
		}
	}
	return labels
}

// NSFSPaths lists, each once, the mount points of the nsfs bind mounts that
// hold ns in the mount namespace of the program that took the snapshot, as
// lsns's NSFS column lists those in its own: the paths that resolve there.
// Bind mounts in other mount namespaces are in ns.Holders, with theirs.
func (s *Snapshot) NSFSPaths(ns *Namespace) []string {
	var paths []string
	for _, h := range ns.Holders {
		if h.Kind == HeldByMount && h.MountNS == s.self[LinkMnt] && !slices.Contains(paths, h.Path) {
			paths = append(paths, h.Path)
		}
	}
	return paths
}
