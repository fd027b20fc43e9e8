package display

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nsdive/nsdive/filter"
	"github.com/nsdive/nsdive/inspect"
)

// Column is one column of the namespace table: lsns's, then nsdive's own.
type Column struct {
	Name string
	Help string
	// Right is true for numbers, which line up on the right as in lsns.
	Right bool
	// Type is how -Q compares the column and -H names it: lsns's
	// <integer> columns are filter.Number, the others filter.String.
	Type filter.Type
}

// Columns are every column of the namespace table, in lsns's order, then
// nsdive's own.
var Columns = []Column{
	{"NS", "namespace identifier (inode number)", true, filter.Number},
	{"TYPE", "kind of namespace", false, filter.String},
	{"PATH", "path to the namespace", false, filter.String},
	{"NPROCS", "number of processes in the namespace", true, filter.Number},
	{"PID", "lowest PID in the namespace", true, filter.Number},
	{"PPID", "PPID of the PID", true, filter.Number},
	{"COMMAND", "command line of the PID", false, filter.String},
	{"UID", "UID of the PID", true, filter.Number},
	{"USER", "username of the PID", false, filter.String},
	{"NETNSID", "namespace ID as used by network subsystem", true, filter.String},
	{"NSFS", "nsfs mountpoints holding the namespace (in nsdive's mount namespace)", false, filter.String},
	{"PNS", "parent namespace identifier (inode number)", true, filter.Number},
	{"ONS", "owner namespace identifier (inode number)", true, filter.Number},
	{"HOLDERS", "what besides processes keeps it alive (mount:PATH, or mount:PATH@mnt:INODE for a bind mount only in another mount namespace; fd:PID/FD, socket:PID/FD, for_children:PID)", false, filter.String},
	{"CONTAINER", "containers in it: engine:name and short id, from cgroups and the engines' files", false, filter.String},
}

// DefaultColumns are the columns shown when none are asked for, as lsns's.
var DefaultColumns = []string{"NS", "TYPE", "NPROCS", "PID", "USER", "COMMAND"}

// netDefaultColumns are the defaults when network namespaces are asked
// for (lsns -t net): lsns adds NETNSID and NSFS before COMMAND.
var netDefaultColumns = []string{"NS", "TYPE", "NPROCS", "PID", "USER", "NETNSID", "NSFS", "COMMAND"}

// MemberColumns are the defaults when one namespace's member processes
// are listed (lsns NAMESPACE).
var MemberColumns = []string{"PID", "PPID", "USER", "COMMAND"}

// DefaultColumnsFor returns the default columns of a listing of types
// (all types when empty): with NETNSID and NSFS when net is among them.
func DefaultColumnsFor(types []inspect.Type) []string {
	if slices.Contains(types, inspect.Net) {
		return netDefaultColumns
	}
	return DefaultColumns
}

// ColumnNamed returns the column called name (in upper case), or false.
func ColumnNamed(name string) (Column, bool) {
	i := slices.IndexFunc(Columns, func(c Column) bool { return c.Name == name })
	if i < 0 {
		return Column{}, false
	}
	return Columns[i], true
}

// ChooseColumns resolves lsns's -o LIST and --output-all into column
// names: LIST replaces defaults, +LIST adds to them, and an empty output
// keeps them.
func ChooseColumns(output string, all bool, defaults []string) ([]string, error) {
	if all {
		names := make([]string, len(Columns))
		for i, c := range Columns {
			names[i] = c.Name
		}
		return names, nil
	}
	if output == "" {
		return defaults, nil
	}
	var names []string
	if rest, ok := strings.CutPrefix(output, "+"); ok {
		names = append(names, defaults...)
		output = rest
	}
	for _, name := range strings.Split(output, ",") {
		name = strings.ToUpper(strings.TrimSpace(name))
		if _, ok := ColumnNamed(name); !ok {
			return nil, fmt.Errorf("unknown column %q (see nsdive list --help)", name)
		}
		names = append(names, name)
	}
	return names, nil
}

// ScanOptions returns what a scan must read to fill cols and nest rows by
// relation: the cheap lazy scan, descriptors included (a namespace that
// only an open file or a socket holds is listed as lsns lists it), plus
// the hierarchy, details, cgroups or for_children links that some columns
// need.
func ScanOptions(cols []string, relation Relation) inspect.Options {
	opts := inspect.Options{Lazy: true, BindMounts: true, Threads: true, FDs: true}
	if relation == ByOwner || relation == ByParent || slices.Contains(cols, "PNS") || slices.Contains(cols, "ONS") {
		opts.Hierarchy = true
	}
	if slices.Contains(cols, "NETNSID") {
		opts.NetNSID = true
	}
	if slices.Contains(cols, "CONTAINER") {
		opts.Cgroups = true
	}
	if slices.Contains(cols, "HOLDERS") {
		opts.ForChildren = true
	}
	return opts
}
