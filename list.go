package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/jsonw"
	"github.com/nsdive/nsdive/schema"
	flag "github.com/spf13/pflag"
)

// listFlags are the options of `nsdive list`, named as lsns names them.
type listFlags struct {
	types     []string
	pid       int
	json      bool
	list      bool
	raw       bool
	noHead    bool
	noWrap    bool
	output    string
	outputAll bool
	tree      string
	details   bool
	// added to lsns since 2.38
	persistent  bool
	filter      string
	listColumns bool
	version     bool
}

func (f *listFlags) define(fs *flag.FlagSet) {
	fs.StringArrayVarP(&f.types, "type", "t", nil, "namespaces of this `TYPE` only (mnt, net, ipc, user, pid, uts, cgroup, time); may be repeated")
	fs.VarP(pidValue{&f.pid}, "task", "p", "print the namespaces of this process")
	fs.BoolVarP(&f.json, "json", "J", false, "use JSON output format")
	fs.BoolVarP(&f.list, "list", "l", false, "use list format output")
	fs.BoolVarP(&f.raw, "raw", "r", false, "use the raw output format")
	fs.BoolVarP(&f.noHead, "noheadings", "n", false, "don't print headings")
	fs.StringVarP(&f.output, "output", "o", "", "the `LIST` of columns to print (+LIST adds to the default)")
	fs.BoolVar(&f.outputAll, "output-all", false, "output all columns")
	fs.StringVarP(&f.tree, "tree", "T", "", "use tree format, nesting by `RELATION`: parent, owner (the default) or process")
	fs.Lookup("tree").NoOptDefVal = "owner"
	fs.BoolVar(&f.details, "details", false, "with --json: the whole snapshot (processes, holders, hierarchy, mounts, what is inside each namespace); see README")
	fs.BoolVarP(&f.persistent, "persistent", "P", false, "namespaces without processes")
	fs.StringVarP(&f.filter, "filter", "Q", "", "apply display filter `EXPR`: an lsns filter expression (scols-filter(5)), e.g. 'TYPE == \"net\" && NPROCS == 0'")
	fs.BoolVarP(&f.listColumns, "list-columns", "H", false, "list the available columns")
	fs.BoolVarP(&f.version, "version", "V", false, "display version")
	fs.BoolP("notruncate", "u", false, "don't truncate text in columns (nsdive never does)")
	fs.BoolVarP(&f.noWrap, "nowrap", "W", false, "don't use multi-line cells (NSFS paths then go on one line, comma-separated)")
}

func listUsage(fs *flag.FlagSet) func(w io.Writer) {
	return func(w io.Writer) {
		fmt.Fprint(w, "Usage: nsdive list [options] [NAMESPACE]\n\n"+
			"List namespaces, like lsns; with NAMESPACE (an inode number), the\n"+
			"processes in it.\n\nOptions:\n")
		printDefaults(w, fs)
		fmt.Fprintln(w, "\nColumns:")
		for _, c := range display.Columns {
			fmt.Fprintf(w, "  %9s  %s\n", c.Name, c.Help)
		}
	}
}

func runList(args []string, stdout, stderr io.Writer) error {
	var f listFlags
	fs := newFlagSet("list")
	f.define(fs)
	if err := parseFlags(fs, args, stdout, listUsage(fs)); err != nil {
		return err
	}
	switch {
	case f.version:
		return writeVersion(stdout)
	case f.listColumns:
		return writeColumnList(stdout, f.json, f.raw)
	}
	flt, err := display.ParseFilter(f.filter)
	if err != nil {
		return usageError{fmt.Errorf("-Q: %w", err)}
	}
	args = fs.Args()
	// -T's relation is optional, so "-T owner" leaves "owner" as an
	// argument (lsns then rejects it as a namespace); take it as meant.
	if fs.Changed("tree") && f.tree == "owner" && len(args) > 0 && slices.Contains(display.Relations, display.Relation(args[0])) {
		f.tree, args = args[0], args[1:]
	}
	var only uint64
	switch {
	case len(args) > 1:
		return usageError{fmt.Errorf("too many arguments: %s", quoteArg(strings.Join(args, " ")))}
	case len(args) == 1:
		n, err := strconv.ParseUint(args[0], 10, 64)
		if err != nil || n == 0 {
			return usageError{fmt.Errorf("invalid namespace %s: want an inode number as in the NS column", quoteArg(args[0]))}
		}
		only = n
	}
	if err := f.check(fs, only); err != nil {
		return usageError{err}
	}
	var types []inspect.Type
	for _, name := range f.types {
		t, err := inspect.ParseType(name)
		if err != nil {
			return usageError{fmt.Errorf("unknown namespace type %s (want one of cgroup, ipc, mnt, net, pid, time, user, uts)", quoteArg(name))}
		}
		types = append(types, t)
	}
	defaults := display.DefaultColumnsFor(types)
	if only != 0 {
		defaults = display.MemberColumns
	}
	cols, err := display.ChooseColumns(f.output, f.outputAll, defaults)
	if err != nil {
		return usageError{err}
	}
	asked, err := display.ParseRelation(f.tree)
	if err != nil {
		return usageError{err}
	}
	// As lsns: rows nest by process unless -l asks for a list, or
	// --output-all for every column of every namespace; the processes of
	// one namespace nest unless -l.
	relation := display.Nesting(asked, f.list || (f.outputAll && only == 0), cols)
	opts := display.ScanOptions(append(slices.Clip(cols), flt.Columns()...), relation)
	if f.details {
		opts = inspect.Everything()
	}
	snap, err := inspect.Scan(context.Background(), opts)
	if err != nil {
		return err
	}
	// lsns NAMESPACE lists the namespace's processes whatever -P says.
	nss, err := display.Selection{Types: types, PID: f.pid, Inode: only, Persistent: f.persistent && only == 0}.Namespaces(snap)
	if errors.Is(err, display.ErrDenied) {
		return fmt.Errorf("%w%s", err, deniedBecause())
	}
	if err != nil {
		return err
	}
	warnPartial(stderr, "list", snap)
	rows := display.NewRows(snap, nss)
	if only != 0 && !f.details {
		rows = display.MemberRows(snap, nss[0])
	}
	if f.raw || f.noWrap {
		for _, r := range rows {
			r.ListSep = ","
		}
	}
	// The scan read only namespace links; the rows shown need the rest.
	display.Fill(snap, rows)
	if rows, err = display.MatchRows(rows, flt); err != nil {
		return fmt.Errorf("-Q: %w", err)
	}
	if f.details {
		return schema.Write(stdout, snap, display.NamespacesOf(rows), display.SystemUsers.Name)
	}
	if f.json {
		return writeListJSON(stdout, cols, rows, relation)
	}
	return writeListTable(stdout, cols, rows, relation, !f.noHead, f.raw)
}

// check rejects the options lsns rejects together, and an empty -o.
func (f *listFlags) check(fs *flag.FlagSet, only uint64) error {
	switch {
	case fs.Changed("output") && strings.TrimPrefix(f.output, "+") == "":
		return fmt.Errorf("-o needs a column (see nsdive list --help)")
	case f.details && !f.json:
		return fmt.Errorf("--details goes with --json")
	case f.json && f.raw:
		return fmt.Errorf("--json and --raw cannot be used together")
	case f.list && fs.Changed("tree"):
		return fmt.Errorf("--list and --tree cannot be used together")
	case f.persistent && f.pid != 0:
		return fmt.Errorf("--persistent and --task cannot be used together")
	case f.pid != 0 && only != 0:
		return fmt.Errorf("--task and a NAMESPACE argument cannot be used together")
	}
	return nil
}

// writeListTable prints rows as lsns does: a table, or with raw lsns -r's
// lines of escaped cells, nested by relation either way.
func writeListTable(w io.Writer, names []string, rows []*display.Row, relation display.Relation, headings, raw bool) error {
	cols := make([]column, len(names))
	for i, n := range names {
		c, _ := display.ColumnNamed(n)
		cols[i] = column{header: n, right: c.Right}
	}
	out := flattenTree(display.Tree(rows, relation), func(i int) []string { return rows[i].Texts(names) })
	treeCol := -1
	if relation != display.Flat {
		treeCol = slices.Index(names, relation.TreeColumn())
	}
	if raw {
		return writeRaw(w, names, out, treeCol, headings)
	}
	return writeTable(w, cols, out, treeCol, headings)
}

// writeListJSON prints lsns -J's shape: {"namespaces": [...]} with column
// names in lower case, in column order, nested under "children" for a tree.
func writeListJSON(w io.Writer, cols []string, rows []*display.Row, relation display.Relation) error {
	object := func(r *display.Row) jsonw.Object {
		obj := make(jsonw.Object, len(cols))
		for i, c := range cols {
			obj[i] = jsonw.Field{Key: strings.ToLower(c), Value: r.Value(c)}
		}
		return obj
	}
	var build func(nodes []*display.Node) []jsonw.Object
	build = func(nodes []*display.Node) []jsonw.Object {
		out := make([]jsonw.Object, len(nodes))
		for i, n := range nodes {
			out[i] = object(rows[n.Row])
			if len(n.Children) > 0 {
				out[i] = append(out[i], jsonw.Field{Key: "children", Value: build(n.Children)})
			}
		}
		return out
	}
	items := build(display.Tree(rows, relation))
	if items == nil {
		items = []jsonw.Object{}
	}
	return jsonw.Write(w, jsonw.Object{{Key: "namespaces", Value: items}})
}
