package inspect

// Mount is one line of /proc/PID/mountinfo.
type Mount struct {
	ID       int
	ParentID int
	Major    uint32
	Minor    uint32
	// Root is the path inside the filesystem that is mounted; for an
	// nsfs mount it names the namespace ("net:[4026532289]").
	Root       string
	MountPoint string
	Options    string
	Propagation
	FSType       string
	Source       string
	SuperOptions string
}

// Propagation is a mount's place in the kernel's mount propagation: the
// optional fields of mountinfo.
type Propagation struct {
	Shared        int // peer group id of shared:N; 0 when not shared
	Master        int // peer group id of master:N; 0 when not a slave
	PropagateFrom int // propagate_from:N; 0 when absent
	Unbindable    bool
}

// MountRef names one mount in one mount namespace.
type MountRef struct {
	MountNS NamespaceID
	MountID int
}
