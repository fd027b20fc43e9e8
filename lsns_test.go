package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
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

// TestListMatchesLsns compares `nsdive list --json` with `lsns -J` read
// just before and just after it. Processes come and go between the reads,
// so a namespace nsdive shows with processes must be in one of lsns's
// reads, one in both of lsns's reads must be in nsdive's, and nsdive's
// count may stray from lsns's by a few. lsns lists only namespaces with
// processes: those nsdive finds held by mounts alone are left out.
func TestListMatchesLsns(t *testing.T) {
	nstest.RequireRoot(t)
	if _, err := exec.LookPath("lsns"); err != nil {
		t.Fatal("lsns (util-linux) is needed: ", err)
	}
	n := startNested(t)
	lsns := func() map[uint64]lsnsRow {
		out, err := exec.Command("lsns", "-J").Output()
		if err != nil {
			t.Fatalf("lsns -J: %v", err)
		}
		var o lsnsOutput
		if err := json.Unmarshal(out, &o); err != nil {
			t.Fatalf("lsns -J: %v\n%s", err, out)
		}
		return o.byNS()
	}
	const slack = 2
	var problems []string
	for attempt := 0; attempt < 5; attempt++ {
		before := lsns()
		var o lsnsOutput
		nsdiveJSON(t, &o, "list", "--json")
		got := o.byNS()
		after := lsns()
		problems = compareWithLsns(before, got, after, slack)
		for _, typ := range nstest.Types {
			id := n.ns[typ]
			if before[id].NProcs != n.NProcs(typ) || got[id].NProcs != n.NProcs(typ) || after[id].NProcs != n.NProcs(typ) {
				problems = append(problems, fmt.Sprintf("the fixture's %s namespace %d: lsns %d then %d processes, nsdive %d; want %d",
					typ, id, before[id].NProcs, after[id].NProcs, got[id].NProcs, n.NProcs(typ)))
			}
		}
		if len(problems) == 0 {
			return
		}
		t.Logf("attempt %d disagrees (processes came and went?):\n  %s", attempt+1, strings.Join(problems, "\n  "))
	}
	t.Errorf("nsdive list --json disagrees with lsns -J five times; the last time:\n  %s", strings.Join(problems, "\n  "))
}

func compareWithLsns(before, got, after map[uint64]lsnsRow, slack int) []string {
	var problems []string
	for id, g := range got {
		if g.NProcs == 0 {
			continue
		}
		a, inA := before[id]
		c, inC := after[id]
		if !inA && !inC {
			problems = append(problems, fmt.Sprintf("nsdive lists %s namespace %d with %d processes; lsns does not", g.Type, id, g.NProcs))
			continue
		}
		if (inA && a.Type != g.Type) || (inC && c.Type != g.Type) {
			problems = append(problems, fmt.Sprintf("namespace %d: nsdive says %s, lsns %s/%s", id, g.Type, a.Type, c.Type))
		}
	}
	for id, a := range before {
		c, inBoth := after[id]
		if !inBoth {
			continue
		}
		g, ok := got[id]
		if !ok {
			problems = append(problems, fmt.Sprintf("lsns lists %s namespace %d twice; nsdive does not", a.Type, id))
			continue
		}
		lo, hi := min(a.NProcs, c.NProcs)-slack, max(a.NProcs, c.NProcs)+slack
		if g.NProcs < lo || g.NProcs > hi {
			problems = append(problems, fmt.Sprintf("%s namespace %d: nsdive %d processes, lsns %d then %d", a.Type, id, g.NProcs, a.NProcs, c.NProcs))
		}
		if a.PID == nil || c.PID == nil || *a.PID != *c.PID || a.NProcs != c.NProcs {
			continue
		}
		if g.PID == nil || *g.PID != *a.PID {
			problems = append(problems, fmt.Sprintf("%s namespace %d: nsdive's lowest pid %v, lsns's %d", a.Type, id, g.PID, *a.PID))
			continue
		}
		// The same process in all three reads: nsdive, which reads the
		// command and owner after its scan, must show lsns's.
		if same(a.Command, c.Command) && !same(g.Command, a.Command) {
			problems = append(problems, fmt.Sprintf("%s namespace %d, pid %d: nsdive's command %s, lsns's %s", a.Type, id, *a.PID, show(g.Command), show(a.Command)))
		}
		if same(a.User, c.User) && !same(g.User, a.User) {
			problems = append(problems, fmt.Sprintf("%s namespace %d, pid %d: nsdive's user %s, lsns's %s", a.Type, id, *a.PID, show(g.User), show(a.User)))
		}
	}
	return problems
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
