package display

import (
	"slices"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/filter"
	"github.com/nsdive/nsdive/inspect"
)

func TestPersistentSelection(t *testing.T) {
	snap := fakeHost()
	got, err := Selection{Persistent: true}.Namespaces(snap)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(inodes(got), 30) {
		t.Errorf("-P gives %v, want the bind-mounted net namespace 30 among them", inodes(got))
	}
	for _, ns := range got {
		if ns.NumProcs() != 0 {
			t.Errorf("-P gives namespace %d, which has %d processes", ns.ID.Ino, ns.NumProcs())
		}
	}
	got, _ = Selection{Persistent: true, Types: []inspect.Type{inspect.PID}}.Namespaces(snap)
	if len(got) != 0 {
		t.Errorf("-P -t pid gives %v, want none: every pid namespace has a process", inodes(got))
	}
}

func TestColumnTypesAsLsns(t *testing.T) {
	// lsns -H: these are <integer>, the rest (NETNSID too) <string>.
	integers := []string{"NS", "NPROCS", "PID", "PPID", "UID", "PNS", "ONS"}
	for _, c := range Columns {
		if want := slices.Contains(integers, c.Name); (c.Type == filter.Number) != want {
			t.Errorf("column %s has type %v", c.Name, c.Type)
		}
	}
}

func TestMatchRows(t *testing.T) {
	snap := fakeHost()
	nss, _ := Selection{}.Namespaces(snap)
	rows := NewRows(snap, nss)
	match := func(expr string) ([]*Row, error) {
		t.Helper()
		f, err := ParseFilter(expr)
		if err != nil {
			t.Fatalf("ParseFilter(%q): %v", expr, err)
		}
		return MatchRows(rows, f)
	}
	tests := []struct{ expr, want string }{
		{``, rowsText(rows)},
		{`TYPE == "net" && NPROCS == 0`, "30"},
		{`pid == 10`, "11 12"},
		{`!PID`, "30 50"},
		{`NSFS =~ "^/run/netns/"`, "30"},
		// (net || user) && UID == 0: and and or share one precedence
		{`TYPE == "net" || type eq "user" && UID == 0`, "1 2"},
		{`COMMAND =~ "^unshare" and not TYPE == "user"`, "11 12"},
	}
	for _, tt := range tests {
		got, err := match(tt.expr)
		if err != nil {
			t.Errorf("%q: %v", tt.expr, err)
			continue
		}
		if rowsText(got) != tt.want {
			t.Errorf("%q keeps %s, want %s", tt.expr, rowsText(got), tt.want)
		}
	}
	if _, err := match(`TYPE == 5`); err == nil || !strings.Contains(err.Error(), "namespace 1: position 1") {
		t.Errorf(`TYPE == 5: %v, want an error naming namespace 1 and the position`, err)
	}
	if _, err := ParseFilter(`HOLDERS && Container`); err != nil {
		t.Errorf("nsdive's own columns: %v", err)
	}
	if _, err := ParseFilter(`NOPE`); err == nil {
		t.Error("an unknown column: no error")
	}
	// Rows whose parent row was filtered out are roots, as in lsns.
	kept, _ := match(`TYPE != "user"`)
	if got := len(Tree(kept, ByOwner)); got != len(kept) {
		t.Errorf("owner tree without user namespaces has %d roots, want all %d rows", got, len(kept))
	}
}

// rowsText is the rows' inodes, separated by spaces.
func rowsText(rows []*Row) string {
	s := make([]string, len(rows))
	for i, r := range rows {
		s[i] = r.Text("NS")
	}
	return strings.Join(s, " ")
}
