package ui

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/nsdive/nsdive/inspect"
)

// BenchmarkNetPageKeypress times a key on the network page, opened with n
// on the synthetic host of 10,000 processes and 2,000 namespaces (hundreds
// of containers behind docker0, persisted netns wired in a chain): Update
// and View of the root at 80x24 and 200x50, the median and the worst of
// the keys in ms, in wall and in the thread's CPU time (as
// BenchmarkKeypress). Run
//
//	go test -run '^$' -bench NetPage -benchtime 1000x ./ui
func BenchmarkNetPageKeypress(b *testing.B) {
	snap := syntheticSnapshot(benchProcs, benchNamespaces)
	var keys []tea.KeyPressMsg
	for range 30 {
		keys = append(keys, tea.KeyPressMsg{Code: tea.KeyDown})
	}
	keys = append(keys, tea.KeyPressMsg{Code: tea.KeyPgDown}, tea.KeyPressMsg{Code: tea.KeyPgDown},
		tea.KeyPressMsg{Code: 'G', Text: "G"}, tea.KeyPressMsg{Code: tea.KeyPgUp}, tea.KeyPressMsg{Code: 'g', Text: "g"})
	for _, size := range []tea.WindowSizeMsg{{Width: 80, Height: 24}, {Width: 200, Height: 50}} {
		b.Run(fmt.Sprintf("%dx%d", size.Width, size.Height), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			d := newDriver(benchModel(snap))
			d.update(size)
			d.update(tea.KeyPressMsg{Code: 'n', Text: "n"})
			if _, ok := d.m.top().(*netPage); !ok {
				b.Fatalf("n opened %T", d.m.top())
			}
			took := make([]time.Duration, 0, b.N)
			cpu := make([]time.Duration, 0, b.N)
			for i := 0; b.Loop(); i++ {
				d.spent = 0
				c0 := threadCPU(b)
				d.update(keys[i%len(keys)])
				start := time.Now()
				d.m.View()
				took = append(took, d.spent+time.Since(start))
				cpu = append(cpu, threadCPU(b)-c0)
			}
			reportLatencies(b, took, "")
			reportLatencies(b, cpu, "cpu-")
		})
	}
}

// BenchmarkNetPageRescan times the network page's share of a rescan on
// the synthetic host: the topology laid out again, the rates computed
// and the selection found.
func BenchmarkNetPageRescan(b *testing.B) {
	first := newWorld(syntheticSnapshot(benchProcs, benchNamespaces), 0)
	worlds := [2]*world{first, first.next(syntheticSnapshot(benchProcs, benchNamespaces), 0, first.snap.Taken)}
	c := testCommon()
	c.world = worlds[0]
	p := newNetPage(c, first.snap.Initial[inspect.LinkNet])
	p.SetSize(200, 50)
	for i := 0; b.Loop(); i++ {
		c.world = worlds[(i+1)%2]
		p.Refresh()
	}
}
