package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// lsnsRow is one namespace as `lsns -J` and `nsdive list --json` print it.
type lsnsRow struct {
	NS      uint64  `json:"ns"`
	Type    string  `json:"type"`
	NProcs  int     `json:"nprocs"`
	PID     *int    `json:"pid"`
	User    *string `json:"user"`
	Command *string `json:"command"`
	// Children nest rows as lsns -J does by default, under the row of
	// their representative's parent process.
	Children []lsnsRow `json:"children"`
}

type lsnsOutput struct {
	Namespaces []lsnsRow `json:"namespaces"`
}

// byNS indexes the rows, nested ones included, by namespace.
func (o lsnsOutput) byNS() map[uint64]lsnsRow {
	m := make(map[uint64]lsnsRow, len(o.Namespaces))
	var add func(rows []lsnsRow)
	add = func(rows []lsnsRow) {
		for _, r := range rows {
			m[r.NS] = r
			add(r.Children)
		}
	}
	add(o.Namespaces)
	return m
}

// TestListMatchesLsns compares `nsdive list --json` with `lsns -J` on the
// namespaces the test owns: every column of the nested fixture's eight,
// and the type of the test process's own (their other columns change as
// the host's processes come and go). The host's other namespaces come and
// go between two reads, so they are not compared.
func TestListMatchesLsns(t *testing.T) {
	nstest.RequireRoot(t)
	if _, err := exec.LookPath("lsns"); err != nil {
		t.Fatal("lsns (util-linux) is needed: ", err)
	}
	n := startNested(t)
	// lsns itself fails now and then when a process it lists exits
	// under it: it gets a few tries.
	lsns := func(args ...string) map[uint64]lsnsRow {
		var out []byte
		var err error
		for range 5 {
			if out, err = exec.Command("lsns", append([]string{"-J"}, args...)...).Output(); err == nil {
				break
			}
		}
		if err != nil {
			var stderr []byte
			if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
				stderr = exit.Stderr
			}
			t.Fatalf("lsns -J %s failed five times, the last: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		var o lsnsOutput
		if err := json.Unmarshal(out, &o); err != nil {
			t.Fatalf("lsns -J %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return o.byNS()
	}
	nsdive := func(args ...string) map[uint64]lsnsRow {
		var o lsnsOutput
		nsdiveJSON(t, &o, append([]string{"list", "--json"}, args...)...)
		return o.byNS()
	}

	want, got := lsns(), nsdive()
	for _, typ := range nstest.Types {
		id := n.ns[typ]
		w, inLsns := want[id]
		g, inNsdive := got[id]
		switch {
		case !inLsns || !inNsdive:
			t.Errorf("the fixture's %s namespace %d: listed by lsns %v, by nsdive %v; want both", typ, id, inLsns, inNsdive)
		case w.NProcs != n.NProcs(typ):
			t.Errorf("the fixture's %s namespace %d: lsns counts %d processes, want %d", typ, id, w.NProcs, n.NProcs(typ))
		case g.Type != w.Type || g.NProcs != w.NProcs || !samePID(g.PID, w.PID) || !same(g.User, w.User) || !same(g.Command, w.Command):
			t.Errorf("the fixture's %s namespace %d:\nnsdive %s\n  lsns %s", typ, id, showRow(g), showRow(w))
		}
	}

	self := strconv.Itoa(os.Getpid())
	want, got = lsns("-p", self, "-o", "NS,TYPE"), nsdive("-p", self, "-o", "NS,TYPE")
	if len(want) != len(nstest.Types) || len(got) != len(want) {
		t.Errorf("the test's own namespaces: lsns lists %d, nsdive %d; want %d", len(want), len(got), len(nstest.Types))
	}
	for id, w := range want {
		if g, ok := got[id]; !ok || g.Type != w.Type {
			t.Errorf("the test's own %s namespace %d: nsdive lists it %v, as %s", w.Type, id, ok, g.Type)
		}
	}
}

// samePID reports whether two optional JSON pids are equal.
func samePID(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// showRow prints a row's columns for a message.
func showRow(r lsnsRow) string {
	pid := "null"
	if r.PID != nil {
		pid = strconv.Itoa(*r.PID)
	}
	return fmt.Sprintf("type %s, nprocs %d, pid %s, user %s, command %s", r.Type, r.NProcs, pid, show(r.User), show(r.Command))
}

// same reports whether two optional JSON strings are equal.
func same(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// show prints an optional JSON string for a message.
func show(s *string) string {
	if s == nil {
		return "null"
	}
	return fmt.Sprintf("%q", *s)
}
