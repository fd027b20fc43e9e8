package main

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/filter"
	"github.com/nsdive/nsdive/internal/nstest"
)

// listInodes runs nsdive list --json with args and returns the rows by
// namespace, nested ones included.
func listInodes(t *testing.T, args ...string) map[uint64]lsnsRow {
	t.Helper()
	var out lsnsOutput
	nsdiveJSON(t, &out, append([]string{"list", "--json"}, args...)...)
	return out.byNS()
}

// TestListFilter checks -Q on namespaces the test makes: a network
// namespace bound by `ip netns add` and a process in new namespaces of
// every type. Other namespaces come and go on the host while it runs, so
// it asserts on its own namespaces and on properties every row must have.
func TestListFilter(t *testing.T) {
	nstest.RequireRoot(t)
	n := startNested(t)
	name := nstest.Name + "-filter"
	bound := nstest.AddNetns(t, name).Ino

	got := listInodes(t, "-Q", `TYPE == "net" && NPROCS == 0`)
	if _, ok := got[bound]; !ok {
		t.Errorf(`-Q 'TYPE == "net" && NPROCS == 0' leaves out the netns %d made by ip netns add`, bound)
	}
	if _, ok := got[n.ns["net"]]; ok {
		t.Errorf("-Q 'NPROCS == 0' keeps the net namespace %d of a running process", n.ns["net"])
	}
	for ino, r := range got {
		if r.Type != "net" || r.NProcs != 0 {
			t.Errorf("-Q 'TYPE == \"net\" && NPROCS == 0' keeps %d: %+v", ino, r)
		}
	}

	// A column that is not shown can be filtered on, as in lsns; names
	// ignore case.
	got = listInodes(t, "-o", "NS", "-Q", fmt.Sprintf(`nsfs =~ "/%s$"`, name))
	if !slices.Equal(slices.Collect(maps.Keys(got)), []uint64{bound}) {
		t.Errorf("-o NS -Q 'nsfs =~ name': %v, want only %d", slices.Collect(maps.Keys(got)), bound)
	}

	// The namespaces whose lowest process is the sleep, by PID: its pid
	// and time namespaces (unshare, lower, is in all the others).
	want := []uint64{}
	for _, typ := range nstest.Types {
		if n.Lowest(typ) == n.Init {
			want = append(want, n.ns[typ])
		}
	}
	got = listInodes(t, "--list", "-Q", "PID eq "+strconv.Itoa(n.Init))
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, slices.Sorted(slices.Values(want))) {
		t.Errorf("-Q 'PID eq %d': %v, want %v", n.Init, keys, want)
	}

	// With a NAMESPACE argument, -Q picks among its processes.
	var members struct{ Namespaces []struct{ PID int } }
	nsdiveJSON(t, &members, "list", "--json", "--list", "-Q", "COMMAND =~ '^sleep'", strconv.FormatUint(n.ns["net"], 10))
	if len(members.Namespaces) != 1 || members.Namespaces[0].PID != n.Init {
		t.Errorf("list -Q \"COMMAND =~ '^sleep'\" NETNS: %+v, want the sleep, %d", members.Namespaces, n.Init)
	}

	// With -p, -Q narrows the process's namespaces: unshare's own ones
	// have two processes, the pid and time namespaces it is in are the
	// host's.
	want = want[:0]
	for _, typ := range nstest.Types {
		if n.NProcs(typ) == 2 {
			want = append(want, n.ns[typ])
		}
	}
	got = listInodes(t, "-p", strconv.Itoa(n.Unshare), "-Q", "NPROCS == 2 and (COMMAND =~ '^unshare ')")
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, slices.Sorted(slices.Values(want))) {
		t.Errorf("-p %d -Q 'NPROCS == 2 ...': %v, want %v", n.Unshare, keys, want)
	}

	// and and or share one precedence level, left to right, as in lsns:
	// this is (net || pid) && NS == PIDNS, the pid namespace only; were
	// and above or, the sleep's net namespace would be kept too.
	got = listInodes(t, "-p", strconv.Itoa(n.Init), "-Q", fmt.Sprintf(`TYPE == "net" || TYPE == "pid" && NS == %d`, n.ns["pid"]))
	if keys := slices.Collect(maps.Keys(got)); !slices.Equal(keys, []uint64{n.ns["pid"]}) {
		t.Errorf("(net || pid) && NS == pid: %v, want only %d", keys, n.ns["pid"])
	}
}

// TestListPersistent checks -P: namespaces that no process is in, such
// as the netns of `ip netns add`, and none that a process is in.
func TestListPersistent(t *testing.T) {
	nstest.RequireRoot(t)
	n := startNested(t)
	bound := nstest.AddNetns(t, nstest.Name+"-persistent").Ino
	held, _ := nstest.StartFDHeld(t)
	got := listInodes(t, "-P", "-o", "NS,TYPE,NPROCS,HOLDERS")
	for _, want := range []uint64{bound, held.Ino} {
		if _, ok := got[want]; !ok {
			t.Errorf("-P leaves out namespace %d, which no process is in", want)
		}
	}
	for typ, ino := range n.ns {
		if _, ok := got[ino]; ok {
			t.Errorf("-P keeps the %s namespace %d of a running process", typ, ino)
		}
	}
	for ino, r := range got {
		if r.NProcs != 0 {
			t.Errorf("-P keeps %d, which has %d processes", ino, r.NProcs)
		}
	}
}

// TestListPersistentNamespaceArgument checks that -P does not hide the
// processes of a namespace given as argument, as lsns -P NAMESPACE lists
// them.
func TestListPersistentNamespaceArgument(t *testing.T) {
	nstest.RequireRoot(t)
	n := startNested(t)
	var out struct{ Namespaces []struct{ PID int } }
	nsdiveJSON(t, &out, "list", "--json", "--list", "-P", strconv.FormatUint(n.ns["pid"], 10))
	if len(out.Namespaces) != 1 || out.Namespaces[0].PID != n.Init {
		t.Errorf("list -P PIDNS: %+v, want its one process %d", out.Namespaces, n.Init)
	}
}

// TestListNetNSID checks the NETNSID a netns made by `ip netns add` has
// (none: "unassigned", a string as in lsns -J), and that -Q compares it
// as lsns does: as text, and as a number only where it is one.
func TestListNetNSID(t *testing.T) {
	nstest.RequireRoot(t)
	bound := nstest.AddNetns(t, nstest.Name+"-netnsid").Ino
	var out struct{ Namespaces []struct{ NetNSID *string } }
	nsdiveJSON(t, &out, "list", "--json", "-t", "net", "-o", "NETNSID", "-Q", fmt.Sprintf("NS == %d", bound))
	if len(out.Namespaces) != 1 || out.Namespaces[0].NetNSID == nil || *out.Namespaces[0].NetNSID != "unassigned" {
		t.Errorf("list -t net -o NETNSID -Q 'NS == %d': %+v, want one row with netnsid \"unassigned\"", bound, out.Namespaces)
	}
	got := listInodes(t, "-o", "NS", "-Q", fmt.Sprintf(`netnsid == "unassigned" && ns == %d`, bound))
	if _, ok := got[bound]; !ok || len(got) != 1 {
		t.Errorf(`-Q 'NETNSID == "unassigned" && NS == %d': %v, want that namespace`, bound, slices.Collect(maps.Keys(got)))
	}
	// lsns: "failed to apply filter"; here the namespace and the reason.
	_, stderr, code := runNsdive(t, "list", "-t", "net", "-Q", fmt.Sprintf("NS == %d && NETNSID == 0", bound))
	if want := fmt.Sprintf(`namespace %d: position %d: cannot compare as a number: "unassigned" is not a number`, bound, len(fmt.Sprint(bound))+11); code != 1 || !strings.Contains(string(stderr), want) {
		t.Errorf("NETNSID == 0 on an unassigned one: exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
}

// TestListFilterErrors checks that a wrong expression, or one that
// cannot be applied to a row (lsns: "failed to apply filter"), exits 1
// saying where.
func TestListFilterErrors(t *testing.T) {
	for _, tt := range []struct{ expr, want string }{
		{`NPROCS @ 1`, `-Q: position 8: unexpected '@'`},
		{`TYPE == "net`, `-Q: position 9: unterminated string`},
		{`FOO == 1 || bar`, `-Q: position 1: unknown column "FOO", "bar"`},
		{`TYPE == 5`, `position 1: cannot compare as a number: "`},
		{`(NPROCS > 0`, `-Q: position 12: unexpected end of expression`},
		{strings.Repeat("x", 5000), `unknown column "xxxxxxxxxxxxxxxxxxxxxxxx…"`},
	} {
		stdout, stderr, code := runNsdive(t, "list", "-Q", tt.expr)
		if code != 1 || len(stdout) != 0 || !strings.Contains(string(stderr), tt.want) {
			t.Errorf("list -Q %.30q: exit %d, stdout %q, stderr %q; want exit 1 and %q", tt.expr, code, stdout, stderr, tt.want)
		}
	}
}

// TestListColumnsFlag checks -H against the column table, as text, JSON
// (lsns's "lsns-columns" with holder, type, description) and raw.
func TestListColumnsFlag(t *testing.T) {
	typeName := map[bool]string{true: "<integer>", false: "<string>"}
	stdout, stderr, code := runNsdive(t, "list", "-H")
	lines := strings.Split(strings.TrimSuffix(string(stdout), "\n"), "\n")
	if code != 0 || len(lines) != len(display.Columns) {
		t.Fatalf("list -H: exit %d, %d lines, want %d\n%s%s", code, len(lines), len(display.Columns), stdout, stderr)
	}
	width := len(lines[0]) - len(strings.TrimLeft(lines[0], " ")) + len(display.Columns[0].Name)
	for i, c := range display.Columns {
		want := fmt.Sprintf("%*s %-9s %s", width, c.Name, typeName[c.Type == filter.Number], c.Help)
		if lines[i] != want {
			t.Errorf("list -H line %d: %q, want %q", i+1, lines[i], want)
		}
	}

	var out struct {
		Columns []struct{ Holder, Type, Description string } `json:"lsns-columns"`
	}
	nsdiveJSON(t, &out, "list", "-H", "-J")
	if len(out.Columns) != len(display.Columns) {
		t.Fatalf("list -H -J: %d columns, want %d", len(out.Columns), len(display.Columns))
	}
	for i, c := range display.Columns {
		if got := out.Columns[i]; got.Holder != c.Name || got.Type != typeName[c.Type == filter.Number] || got.Description != c.Help {
			t.Errorf("list -H -J column %d: %+v, want %s", i, got, c.Name)
		}
	}

	stdout, _, _ = runNsdive(t, "list", "-H", "-r")
	first, _, _ := strings.Cut(string(stdout), "\n")
	if f := strings.Fields(first); len(f) < 3 || f[0] != "NS" || f[1] != "<integer>" {
		t.Errorf("list -H -r first line %q, want NS <integer> ...", first)
	}
}

// TestVersionFlag checks that every way of asking prints the same one
// line, and that extra arguments are an error.
func TestVersionFlag(t *testing.T) {
	var first string
	for _, args := range [][]string{{"--version"}, {"-V"}, {"version"}, {"list", "-V"}, {"list", "--version"}} {
		stdout, stderr, code := runNsdive(t, args...)
		line := string(stdout)
		if code != 0 || !strings.HasPrefix(line, "nsdive ") || strings.Count(line, "\n") != 1 || len(stderr) != 0 {
			t.Errorf("nsdive %s: exit %d, stdout %q, stderr %q; want one line \"nsdive VERSION\"", strings.Join(args, " "), code, stdout, stderr)
		}
		if first == "" {
			first = line
		} else if line != first {
			t.Errorf("nsdive %s printed %q, nsdive --version %q", strings.Join(args, " "), line, first)
		}
	}
	if _, _, code := runNsdive(t, "--version", "extra"); code != 1 {
		t.Errorf("nsdive --version extra: exit %d, want 1", code)
	}
}
