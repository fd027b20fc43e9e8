package inspect

// Fields names groups of a Process's fields that a scan reads only when
// asked (see Options), and Snapshot.Fill completes.
type Fields uint8

// The groups of fields of a Process that may be left unread.
const (
	FieldStat    Fields = 1 << iota // PPID, Comm, State, StartTime (Options.Lazy leaves them out)
	FieldNSpid                      // NSpid (Options.Lazy leaves it out)
	FieldCmdline                    // Cmdline (Options.Cmdline reads it)
	FieldCgroup                     // Cgroup and Container (Options.Cgroups reads them outside the initial namespaces)
)

// Has reports whether every field of f was read.
func (p *Process) Has(f Fields) bool { return p.Read&f == f }

// ProcessKey identifies a process across snapshots: a pid can be reused,
// a pid with its start time cannot. StartTime is zero when the scan did
// not read it (a lazy scan; see Process.Key).
type ProcessKey struct {
	PID       int
	StartTime uint64
}

// Key returns the process's identity. It is complete only when the start
// time was read (Has(FieldStat)): a scan without Options.Lazy reads it for
// every process, at the price of one stat file each (a quarter more time
// than a lazy scan at 5,000 processes: BenchmarkScan/list-with-keys); a
// lazy scan leaves it for Snapshot.Fill, and a key without it matches by
// pid alone.
func (p *Process) Key() ProcessKey {
	if !p.Has(FieldStat) {
		return ProcessKey{PID: p.PID}
	}
	return ProcessKey{PID: p.PID, StartTime: p.StartTime}
}

// Part is an optional part of a snapshot, read when Options ask for it.
type Part uint8

// The optional parts of a snapshot.
const (
	PartMountHolders Part = 1 << iota // HeldByMount holders (Options.BindMounts or Mounts)
	PartFDHolders                     // HeldByFD and HeldBySocket holders (Options.FDs)
	PartForChildren                   // HeldForChildren holders (Options.ForChildren)
	PartHierarchy                     // Parent, Owner, OwnerUID (Options.Hierarchy)
	PartContainers                    // Namespace.Container and Containers, with names (Options.Cgroups)
	PartNetNSID                       // Namespace.NetNSID (Options.NetNSID)
)

// Has reports whether the scan read every part of p.
func (s *Snapshot) Has(p Part) bool { return s.Parts&p == p }

// HasDetails reports whether the scan read the details of namespaces of
// type t.
func (s *Snapshot) HasDetails(t Type) bool { return s.DetailTypes.Has(t) }
