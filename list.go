package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/nsdive/nsdive/inspect"
	flag "github.com/spf13/pflag"
)

// listColumns are the columns of `nsdive list`: lsns's, then nsdive's own.
var listColumns = []struct {
	name, help string
	right      bool
}{
	{"NS", "namespace identifier (inode number)", true},
	{"TYPE", "kind of namespace", false},
	{"PATH", "path to the namespace", false},
	{"NPROCS", "number of processes in the namespace", true},
	{"PID", "lowest PID in the namespace", true},
	{"PPID", "PPID of the PID", true},
	{"COMMAND", "command line of the PID", false},
	{"UID", "UID of the PID", true},
	{"USER", "username of the PID", false},
	{"NETNSID", "namespace ID as used by network subsystem", true},
	{"NSFS", "nsfs mountpoints holding the namespace", false},
	{"PNS", "parent namespace identifier (inode number)", true},
	{"ONS", "owner namespace identifier (inode number)", true},
	{"HOLDERS", "what besides processes keeps it alive (mount:PATH, fd:PID/FD, socket:PID/FD, for_children:PID)", false},
	{"CONTAINER", "container engine and id guessed from cgroups", false},
}

var defaultListColumns = []string{"NS", "TYPE", "NPROCS", "PID", "USER", "COMMAND"}

// listFlags are the options of `nsdive list`, named as lsns names them.
type listFlags struct {
	types     []string
	pid       int
	json      bool
	list      bool
	raw       bool
	noHead    bool
	output    string
	outputAll bool
	tree      string
	details   bool
}

func runList(args []string, stdout, stderr io.Writer) error {
	var f listFlags
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.StringArrayVarP(&f.types, "type", "t", nil, "namespace type (mnt, net, ipc, user, pid, uts, cgroup, time); may be repeated")
	fs.IntVarP(&f.pid, "task", "p", 0, "print the namespaces of this process")
	fs.BoolVarP(&f.json, "json", "J", false, "use JSON output format")
	fs.BoolVarP(&f.list, "list", "l", false, "use list format output")
	fs.BoolVarP(&f.raw, "raw", "r", false, "use the raw output format")
	fs.BoolVarP(&f.noHead, "noheadings", "n", false, "don't print headings")
	fs.StringVarP(&f.output, "output", "o", "", "columns to print (+LIST adds to the default)")
	fs.BoolVar(&f.outputAll, "output-all", false, "output all columns")
	fs.StringVarP(&f.tree, "tree", "T", "", "use tree format (parent, owner, or process)")
	fs.Lookup("tree").NoOptDefVal = "owner"
	fs.BoolVar(&f.details, "details", false, "with --json: the whole snapshot (processes, holders, hierarchy, mounts, what is inside each namespace); see README")
	fs.BoolP("notruncate", "u", false, "don't truncate text in columns (nsdive never does)")
	fs.BoolP("nowrap", "W", false, "don't use multi-line cells (nsdive never does)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: nsdive list [options] [NAMESPACE]\n\nList namespaces, like lsns.\n\nOptions:")
		fs.PrintDefaults()
		fmt.Fprintln(fs.Output(), "\nColumns:")
		for _, c := range listColumns {
			fmt.Fprintf(fs.Output(), "  %9s  %s\n", c.name, c.help)
		}
	}
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	args = fs.Args()
	// -T's relation is optional, so "-T owner" leaves "owner" as an
	// argument (lsns then rejects it as a namespace); take it as meant.
	if fs.Changed("tree") && f.tree == "owner" && len(args) > 0 && slices.Contains([]string{"parent", "owner", "process"}, args[0]) {
		f.tree, args = args[0], args[1:]
	}
	if len(args) > 1 {
		return usageError{fmt.Errorf("too many arguments: %s", strings.Join(args, " "))}
	}
	var only uint64
	if len(args) == 1 {
		n, err := strconv.ParseUint(args[0], 10, 64)
		if err != nil {
			return usageError{fmt.Errorf("invalid namespace %q: want an inode number as in the NS column", args[0])}
		}
		only = n
	}
	var types []inspect.Type
	for _, name := range f.types {
		t, err := inspect.ParseType(name)
		if err != nil {
			return usageError{err}
		}
		types = append(types, t)
	}
	cols, err := chooseColumns(f.output, f.outputAll)
	if err != nil {
		return usageError{err}
	}
	switch f.tree {
	case "", "owner", "parent", "process":
	default:
		return usageError{fmt.Errorf("unknown tree relation %q (want parent, owner or process)", f.tree)}
	}
	opts := inspect.Options{Lazy: true, BindMounts: true, Threads: true}
	if f.details {
		if !f.json {
			return usageError{fmt.Errorf("--details goes with --json")}
		}
		opts = inspect.Everything()
	}
	if f.tree == "owner" || f.tree == "parent" || slices.Contains(cols, "PNS") || slices.Contains(cols, "ONS") {
		opts.Hierarchy = true
	}
	if slices.Contains(cols, "NETNSID") {
		opts.Details = true
	}
	if slices.Contains(cols, "CONTAINER") {
		opts.Cgroups = true
	}
	if slices.Contains(cols, "HOLDERS") {
		opts.FDs, opts.ForChildren = true, true
	}
	snap, err := inspect.Scan(opts)
	if err != nil {
		return err
	}
	if f.pid != 0 {
		if _, ok := snap.Processes[f.pid]; !ok {
			return fmt.Errorf("process %d not found: it may have exited, or live in a pid namespace this /proc does not show", f.pid)
		}
	}
	warnPartial(stderr, "list", snap)
	nss := selectNamespaces(snap, types, f.pid, only)
	if f.details {
		return writeSnapshotJSON(stdout, snap, nss)
	}
	rows := make([]*listRow, len(nss))
	reps := make([]*inspect.Process, len(nss))
	for i, ns := range nss {
		rows[i] = &listRow{ns: ns, rep: ns.Lowest(), snap: snap}
		reps[i] = rows[i].rep
	}
	// The scan read only namespace links; the rows shown need the rest.
	snap.Fill(reps)
	// Like lsns, rows nest under their process's parent unless -l or -r
	// asks for a flat list; JSON nests them under "children".
	tree := f.tree
	if tree == "" && !f.list && !f.raw {
		tree = "process"
	}
	if f.json {
		return writeListJSON(stdout, cols, rows, tree)
	}
	return writeListTable(stdout, cols, rows, tree, !f.noHead, f.raw)
}

// chooseColumns resolves -o and --output-all into column names.
func chooseColumns(output string, all bool) ([]string, error) {
	if all {
		names := make([]string, len(listColumns))
		for i, c := range listColumns {
			names[i] = c.name
		}
		return names, nil
	}
	if output == "" {
		return defaultListColumns, nil
	}
	var names []string
	if rest, ok := strings.CutPrefix(output, "+"); ok {
		names = append(names, defaultListColumns...)
		output = rest
	}
	for _, name := range strings.Split(output, ",") {
		name = strings.ToUpper(strings.TrimSpace(name))
		if !slices.ContainsFunc(listColumns, func(c struct {
			name, help string
			right      bool
		}) bool {
			return c.name == name
		}) {
			return nil, fmt.Errorf("unknown column %q (see nsdive list --help)", name)
		}
		names = append(names, name)
	}
	return names, nil
}

// selectNamespaces applies -t, -p and the NAMESPACE argument.
func selectNamespaces(snap *inspect.Snapshot, types []inspect.Type, pid int, only uint64) []*inspect.Namespace {
	var out []*inspect.Namespace
	for _, ns := range snap.SortedNamespaces() {
		if len(types) > 0 && !slices.Contains(types, ns.Type) {
			continue
		}
		if only != 0 && ns.ID.Ino != only {
			continue
		}
		if pid != 0 && snap.Processes[pid].Namespaces.Of(ns.Type) != ns.ID {
			continue
		}
		out = append(out, ns)
	}
	return out
}

// listRow is one namespace with the process that represents it.
type listRow struct {
	ns   *inspect.Namespace
	rep  *inspect.Process
	snap *inspect.Snapshot
}

// value returns a cell as JSON would carry it: a number, a string or nil.
func (r *listRow) value(col string) any {
	ns, p := r.ns, r.rep
	switch col {
	case "NS":
		return ns.ID.Ino
	case "TYPE":
		return ns.Type.String()
	case "PATH":
		if p != nil {
			return fmt.Sprintf("%s/%d/ns/%s", r.snap.ProcRoot, p.PID, inspect.LinkOf(ns.Type).Name())
		}
		if paths := ns.MountPaths(); len(paths) > 0 {
			return paths[0]
		}
		return nil
	case "NPROCS":
		return ns.NumProcs()
	case "NETNSID":
		if ns.Type != inspect.Net || ns.NetNSID < 0 {
			return nil
		}
		return ns.NetNSID
	case "NSFS":
		if paths := ns.MountPaths(); len(paths) > 0 {
			return strings.Join(paths, ",")
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
		parts := make([]string, len(ns.Holders))
		for i, h := range ns.Holders {
			parts[i] = h.String()
		}
		return strings.Join(parts, ",")
	case "CONTAINER":
		if ns.Container == nil {
			return nil
		}
		return ns.Container.Engine + ":" + ns.Container.ID
	}
	if p == nil {
		return nil
	}
	switch col {
	case "PID":
		return p.PID
	case "PPID":
		return p.PPID
	case "COMMAND":
		return commandLine(p)
	case "UID":
		if p.UID < 0 {
			return nil
		}
		return p.UID
	case "USER":
		if p.UID < 0 {
			return nil
		}
		return userName(p.UID)
	}
	return nil
}

// commandLine is what lsns and ps show as a command: the arguments, or the
// name in the kernel's words for a kernel thread or an unreadable one.
func commandLine(p *inspect.Process) string {
	if len(p.Cmdline) == 0 {
		return p.Comm
	}
	return strings.Join(p.Cmdline, " ")
}

func (r *listRow) cells(cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		if v := r.value(c); v != nil {
			out[i] = fmt.Sprint(v)
		}
	}
	return out
}

// treeOf nests rows as lsns -T does: under the owner or parent namespace's
// row, or under the row of the representative's parent process.
func treeOf(rows []*listRow, cols []string, relation string) []*treeNode {
	nodes := make([]*treeNode, len(rows))
	byNS := make(map[inspect.NamespaceID]*treeNode, len(rows))
	lastOfPID := make(map[int]*treeNode)
	var roots []*treeNode
	for i, r := range rows {
		nodes[i] = &treeNode{row: tableRow{cells: r.cells(cols)}, key: i}
		byNS[r.ns.ID] = nodes[i]
	}
	for i, r := range rows {
		var parent *treeNode
		switch relation {
		case "owner":
			parent = byNS[r.ns.Owner]
		case "parent":
			parent = byNS[r.ns.Parent]
		case "process":
			if r.rep != nil {
				parent = lastOfPID[r.rep.PPID]
				lastOfPID[r.rep.PID] = nodes[i]
			}
		}
		if parent == nil || parent == nodes[i] {
			roots = append(roots, nodes[i])
		} else {
			parent.children = append(parent.children, nodes[i])
		}
	}
	return roots
}

func writeListTable(w io.Writer, names []string, rows []*listRow, relation string, headings, raw bool) error {
	cols := make([]column, len(names))
	for i, n := range names {
		for _, c := range listColumns {
			if c.name == n {
				cols[i] = column{header: n, right: c.right && !raw}
			}
		}
	}
	var out []tableRow
	treeCol := -1
	if relation == "" || raw {
		for _, r := range rows {
			out = append(out, tableRow{cells: r.cells(names)})
		}
	} else {
		out = flattenTree(treeOf(rows, names, relation))
		want := "NS"
		if relation == "process" {
			want = "COMMAND"
		}
		treeCol = slices.Index(names, want)
	}
	if raw {
		return writeRaw(w, names, out, headings)
	}
	return writeTable(w, cols, out, treeCol, headings)
}

// writeRaw prints cells separated by single spaces, as lsns -r does.
func writeRaw(w io.Writer, names []string, rows []tableRow, headings bool) error {
	var b strings.Builder
	if headings {
		b.WriteString(strings.Join(names, " ") + "\n")
	}
	for _, r := range rows {
		b.WriteString(strings.Join(r.cells, " ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeListJSON prints lsns -J's shape: {"namespaces": [...]} with column
// names in lower case, in column order, nested under "children" for a tree.
func writeListJSON(w io.Writer, cols []string, rows []*listRow, relation string) error {
	object := func(r *listRow) jsonObject {
		obj := make(jsonObject, len(cols))
		for i, c := range cols {
			obj[i] = jsonField{strings.ToLower(c), r.value(c)}
		}
		return obj
	}
	var build func(nodes []*treeNode) []jsonObject
	build = func(nodes []*treeNode) []jsonObject {
		out := make([]jsonObject, len(nodes))
		for i, n := range nodes {
			out[i] = object(rows[n.key])
			if len(n.children) > 0 {
				out[i] = append(out[i], jsonField{"children", build(n.children)})
			}
		}
		return out
	}
	var items []jsonObject
	if relation == "" {
		items = make([]jsonObject, len(rows))
		for i, r := range rows {
			items[i] = object(r)
		}
	} else {
		items = build(treeOf(rows, cols, relation))
	}
	if items == nil {
		items = []jsonObject{}
	}
	return writeJSON(w, jsonObject{{"namespaces", items}})
}
