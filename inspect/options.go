package inspect

// Options choose what a scan reads beyond every task's namespace links and
// owner. Each costs time on a busy host, so a caller asks only for what it
// shows.
type Options struct {
	// ProcRoot is where procfs is mounted; "/proc" when empty.
	ProcRoot string
	// Lazy skips what a caller needs only for the processes it shows:
	// each process's parent, command name, state and start time (from
	// stat) and its NSpid (from status). Snapshot.Fill reads them for the
	// processes shown. Pids 1 and 2 are read in full: they name the
	// initial namespaces.
	Lazy bool
	// Cmdline reads every process's command line; without it, callers
	// read the few they show with Snapshot.Fill.
	Cmdline bool
	// ForChildren reads pid_for_children and time_for_children, the
	// namespaces a process's next children will join, and so finds the
	// namespaces held only by them (see HeldForChildren).
	ForChildren bool
	// Threads finds threads whose namespaces differ from their leader's.
	Threads bool
	// Cgroups reads the cgroup of every process outside the initial
	// namespaces, guesses its container and reads the container's name
	// where its engine keeps it in a file (see nameContainers).
	Cgroups bool
	// BindMounts finds namespaces held by nsfs bind mounts, reading the
	// mountinfo of every mount namespace for them.
	BindMounts bool
	// FDs finds namespaces held by open descriptors and by sockets,
	// reading every process's descriptor links in the process pass (see
	// findDescriptors for what that costs).
	FDs bool
	// Mounts keeps the mount table of every mount namespace.
	Mounts bool
	// Hierarchy asks the kernel for parent and owner namespaces.
	Hierarchy bool
	// Details reads what is inside the namespaces of these types (see
	// Details); each type costs only for its own namespaces. Time implies
	// ForChildren: a time namespace's offsets can be read only through a
	// process whose time_for_children it is.
	Details TypeSet
	// NetNSID reads the id the scanner's network namespace gives each
	// network namespace (Namespace.NetNSID), without entering any.
	NetNSID bool
	// Workers is how many goroutines read /proc; GOMAXPROCS when zero.
	Workers int
}

// Everything returns options that read the whole snapshot.
func Everything() Options {
	return Options{Cmdline: true, ForChildren: true, Threads: true, Cgroups: true,
		BindMounts: true, FDs: true, Mounts: true, Hierarchy: true, Details: AllTypes, NetNSID: true}
}
