package main

import (
	"context"
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
	fs.BoolVarP(&f.persistent, "persistent", "P", false, "namespaces without processes")
	fs.StringVarP(&f.filter, "filter", "Q", "", "apply display filter: an lsns filter expression (scols-filter(5)), e.g. 'TYPE == \"net\" && NPROCS == 0'")
	fs.BoolVarP(&f.listColumns, "list-columns", "H", false, "list the available columns")
	fs.BoolVarP(&f.version, "version", "V", false, "display version")
	fs.BoolP("notruncate", "u", false, "don't truncate text in columns (nsdive never does)")
	fs.BoolP("nowrap", "W", false, "don't use multi-line cells (nsdive never does)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: nsdive list [options] [NAMESPACE]\n\nList namespaces, like lsns.\n\nOptions:")
		fs.PrintDefaults()
		fmt.Fprintln(fs.Output(), "\nColumns:")
		for _, c := range display.Columns {
			fmt.Fprintf(fs.Output(), "  %9s  %s\n", c.Name, c.Help)
		}
	}
	if err := fs.Parse(args); err != nil {
		return usageError{err}
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
	cols, err := display.ChooseColumns(f.output, f.outputAll)
	if err != nil {
		return usageError{err}
	}
	relation, err := display.ParseRelation(f.tree)
	if err != nil {
		return usageError{err}
	}
	opts := display.ScanOptions(append(slices.Clip(cols), flt.Columns()...), relation)
	if f.details {
		if !f.json {
			return usageError{fmt.Errorf("--details goes with --json")}
		}
		opts = inspect.Everything()
	}
	snap, err := inspect.Scan(context.Background(), opts)
	if err != nil {
		return err
	}
	nss, err := display.Selection{Types: types, PID: f.pid, Inode: only, Persistent: f.persistent}.Namespaces(snap)
	if err != nil {
		return err
	}
	warnPartial(stderr, "list", snap)
	rows := display.NewRows(snap, nss)
	// The scan read only namespace links; the rows shown need the rest.
	display.Fill(snap, rows)
	if rows, err = display.MatchRows(rows, flt); err != nil {
		return fmt.Errorf("-Q: %w", err)
	}
	if f.details {
		return schema.Write(stdout, snap, display.NamespacesOf(rows), display.SystemUsers.Name)
	}
	// Like lsns, rows nest under their process's parent unless -l or -r
	// asks for a flat list; JSON nests them under "children".
	if relation == display.Flat && !f.list && !f.raw {
		relation = display.ByProcess
	}
	if f.json {
		return writeListJSON(stdout, cols, rows, relation)
	}
	return writeListTable(stdout, cols, rows, relation, !f.noHead, f.raw)
}

// writeListTable prints rows as lsns does: a table, nested by relation
// unless raw, or lsns -r's raw lines.
func writeListTable(w io.Writer, names []string, rows []*display.Row, relation display.Relation, headings, raw bool) error {
	cols := make([]column, len(names))
	for i, n := range names {
		c, _ := display.ColumnNamed(n)
		cols[i] = column{header: n, right: c.Right && !raw}
	}
	var out []tableRow
	treeCol := -1
	if relation == display.Flat || raw {
		for _, r := range rows {
			out = append(out, tableRow{cells: r.Texts(names)})
		}
	} else {
		out = flattenTree(display.Tree(rows, relation), func(i int) []string { return rows[i].Texts(names) })
		treeCol = slices.Index(names, relation.TreeColumn())
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
