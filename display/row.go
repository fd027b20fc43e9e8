package display

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/nsdive/nsdive/inspect"
)

// Row is one namespace of the namespace table with the process that
// represents it (the lowest member, as lsns's PID).
type Row struct {
	NS   *inspect.Namespace
	Rep  *inspect.Process
	Snap *inspect.Snapshot
	// Users names the USER column; nil means SystemUsers.
	Users *Users
	// ListSep separates the items of a cell that holds several (NSFS):
	// a newline when empty, as lsns; lsns -r uses a comma.
	ListSep string
	// ownerUID is the uid that created a user namespace no process is in,
	// when Fill could read it (ownerKnown).
	ownerUID   int
	ownerKnown bool
}

// NewRows returns a row for each namespace. The scan may have read only
// namespace links: pass the rows to Fill before reading their cells.
func NewRows(snap *inspect.Snapshot, nss []*inspect.Namespace) []*Row {
	rows := make([]*Row, len(nss))
	for i, ns := range nss {
		rows[i] = &Row{NS: ns, Rep: ns.Lowest(), Snap: snap}
	}
	return rows
}

// MemberRows returns a row for each member process of ns, threads left
// out, ordered by pid: what lsns NAMESPACE lists.
func MemberRows(snap *inspect.Snapshot, ns *inspect.Namespace) []*Row {
	var rows []*Row
	for _, p := range ns.Processes {
		if !p.IsThread() {
			rows = append(rows, &Row{NS: ns, Rep: p, Snap: snap})
		}
	}
	return rows
}

// Fill reads what the rows need beyond a lazy scan: the parent and
// command line of their processes, and the uid that created each user
// namespace no process is in (lsns shows it as USER). It points the rows
// at filled copies of their processes; the snapshot is left as it was.
func Fill(snap *inspect.Snapshot, rows []*Row) {
	reps := make([]*inspect.Process, len(rows))
	for i, r := range rows {
		reps[i] = r.Rep
		if r.Rep == nil && r.NS.Type == inspect.User {
			r.ownerUID, r.ownerKnown = r.NS.OwnerUID, r.NS.OwnerUID >= 0
			if !r.ownerKnown {
				uid, err := snap.ReadOwnerUID(r.NS)
				r.ownerUID, r.ownerKnown = uid, err == nil
			}
		}
	}
	for i, p := range snap.Fill(reps) {
		rows[i].Rep = p
	}
}

// Value returns the cell of column col as JSON carries it: a number, a
// string or nil.
func (r *Row) Value(col string) any {
	ns, p := r.NS, r.Rep
	switch col {
	case "NS":
		return ns.ID.Ino
	case "TYPE":
		return ns.Type.String()
	case "PATH":
		if p != nil {
			// A snapshot read from a file has no /proc to point into.
			if r.Snap.ProcRoot == "" {
				return nil
			}
			return fmt.Sprintf("%s/%d/ns/%s", r.Snap.ProcRoot, p.PID, inspect.LinkOf(ns.Type).Name())
		}
		if paths := r.Snap.NSFSPaths(ns); len(paths) > 0 {
			return paths[0]
		}
		return nil
	case "NPROCS":
		return ns.NumProcs()
	case "NETNSID":
		// A string, as lsns -J has it: a number or "unassigned"; nil
		// when the scan did not read it.
		switch {
		case ns.Type != inspect.Net || !r.Snap.Has(inspect.PartNetNSID):
			return nil
		case ns.NetNSID < 0:
			return "unassigned"
		}
		return strconv.Itoa(ns.NetNSID)
	case "NSFS":
		if paths := r.Snap.NSFSPaths(ns); len(paths) > 0 {
			return strings.Join(paths, cmp.Or(r.ListSep, "\n"))
		}
		return nil
	case "PNS":
		return ns.Parent.Ino
	case "ONS":
		return ns.Owner.Ino
	case "HOLDERS":
		if len(ns.Holders) == 0 {
			return nil
		}
		return strings.Join(r.Snap.HolderLabels(ns), ",")
	case "CONTAINER":
		return ContainersCell(ns)
	}
	if p == nil {
		// lsns names the creator of a user namespace no process is in.
		if r.ownerKnown {
			switch col {
			case "UID":
				return r.ownerUID
			case "USER":
				return r.users().Name(r.ownerUID)
			}
		}
		return nil
	}
	switch col {
	case "PID":
		return p.PID
	case "PPID":
		return p.PPID
	case "COMMAND":
		return CommandLine(p)
	case "UID":
		if p.UID < 0 {
			return nil
		}
		return p.UID
	case "USER":
		if p.UID < 0 {
			return nil
		}
		return r.users().Name(p.UID)
	}
	return nil
}

// Text returns the cell of column col as a table shows it; empty when
// the value is nil.
func (r *Row) Text(col string) string {
	v := r.Value(col)
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// Texts returns the cells of cols as a table shows them.
func (r *Row) Texts(cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = r.Text(c)
	}
	return out
}

func (r *Row) users() *Users {
	if r.Users != nil {
		return r.Users
	}
	return SystemUsers
}

// CommandLine is what lsns and ps show as a command: the arguments, or the
// name in the kernel's words for a kernel thread or an unreadable one.
func CommandLine(p *inspect.Process) string {
	if len(p.Cmdline) == 0 {
		return p.Comm
	}
	return strings.Join(p.Cmdline, " ")
}

// ContainersCell shows the containers in a namespace as "engine:name id",
// several separated by commas (a pod's shared namespaces, docker's
// --network container:); nil when there is none.
func ContainersCell(ns *inspect.Namespace) any {
	if len(ns.Containers) == 0 {
		return nil
	}
	parts := make([]string, len(ns.Containers))
	for i, c := range ns.Containers {
		parts[i] = c.String()
	}
	return strings.Join(parts, ",")
}
