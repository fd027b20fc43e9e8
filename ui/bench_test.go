package ui

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"golang.org/x/sys/unix"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
)

// The explorer's speed target: a keypress turns into a rendered frame in
// under 16 ms (a frame at 60 Hz) on a host of 10,000 processes and 2,000
// namespaces. Run
//
//	go test -run '^$' -bench Keypress -benchtime 1000x ./ui
//
// for the median and the worst of 1,000 keys.
const (
	benchProcs      = 10000
	benchNamespaces = 2000
)

// BenchmarkKeypress times what the program does on the UI goroutine for
// one key: the root's Update for the key and for the messages its
// commands send at once (openMsg, say), then View. Each iteration is the
// next key of keyScript, on the full root model at 80x24 and 200x50. It
// reports the median and the worst key in ms, in wall time (p50-ms,
// max-ms: what a person waits on an idle host) and in the thread's CPU
// time (cpu-p50-ms, cpu-max-ms: the same without the time a busy host's
// other processes took the CPU).
func BenchmarkKeypress(b *testing.B) {
	snap := syntheticSnapshot(benchProcs, benchNamespaces)
	if n := len(snap.Namespaces); n != benchNamespaces {
		b.Fatalf("synthetic snapshot has %d namespaces, want %d", n, benchNamespaces)
	}
	script := keyScript()
	for _, size := range []tea.WindowSizeMsg{{Width: 80, Height: 24}, {Width: 200, Height: 50}} {
		b.Run(fmt.Sprintf("%dx%d", size.Width, size.Height), func(b *testing.B) {
			// The thread's CPU time leaves out the time other
			// processes of a busy host took the CPU from it.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			d := newDriver(benchModel(snap))
			d.update(size)
			d.m.View()
			took := make([]time.Duration, 0, b.N)
			cpu := make([]time.Duration, 0, b.N)
			for i := 0; b.Loop(); i++ {
				d.drainLate()
				d.spent = 0
				c0 := threadCPU(b)
				d.update(script[i%len(script)])
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

// BenchmarkRescan times a rescan's arrival on the UI goroutine: the new
// snapshot diffed against the old, every page refreshed, and the frame
// drawn, at 10,000 processes.
func BenchmarkRescan(b *testing.B) {
	snaps := []*inspect.Snapshot{syntheticSnapshot(benchProcs, benchNamespaces), syntheticSnapshot(benchProcs, benchNamespaces)}
	m := benchModel(snaps[0])
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	m.scanning = true
	for i := 0; b.Loop(); i++ {
		m.scanning = true
		m.Update(scanDoneMsg{snap: snaps[i%2], took: time.Millisecond})
		m.View()
	}
}

// benchModel is the root model over snap as a live host would show it.
func benchModel(snap *inspect.Snapshot) *Model {
	c := testCommon()
	c.users = display.NewUsers()
	m := newModel(context.Background(), c, 2*time.Second, newWorld(snap, 300*time.Millisecond))
	m.now = func() time.Time { return snap.Taken.Add(time.Second) }
	return m
}

// keyScript is a person's use of the explorer, cycled: moving down and
// up the list, changing tabs, opening the selection and going back, the
// selection's process, mount and network pages (p, m, n), and
// typing a filter (an inode's first digits, digits being bound to nothing
// where no filter is open) then clearing it.
func keyScript() []tea.KeyPressMsg {
	var keys []tea.KeyPressMsg
	add := func(k tea.KeyPressMsg, n int) {
		for range n {
			keys = append(keys, k)
		}
	}
	down, up := tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeyUp}
	tab, backtab := tea.KeyPressMsg{Code: tea.KeyTab}, tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	enter, esc := tea.KeyPressMsg{Code: tea.KeyEnter}, tea.KeyPressMsg{Code: tea.KeyEscape}
	add(down, 20)
	add(tab, 1)
	add(down, 8)
	add(enter, 1)
	add(down, 3)
	add(esc, 1)
	for _, page := range "pmn" { // the process, mount and network pages
		add(tea.KeyPressMsg{Code: page, Text: string(page)}, 1)
		add(down, 3)
		add(esc, 1)
	}
	add(tab, 1)
	add(tea.KeyPressMsg{Code: '/', Text: "/"}, 1)
	for _, r := range "4026532" {
		add(tea.KeyPressMsg{Code: r, Text: string(r)}, 1)
	}
	add(tea.KeyPressMsg{Code: tea.KeyBackspace}, 3)
	add(esc, 1)
	add(backtab, 2)
	add(up, 10)
	return keys
}

// reportLatencies reports the median and the worst of took in ms, as
// PREFIXp50-ms and PREFIXmax-ms.
func reportLatencies(b *testing.B, took []time.Duration, prefix string) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(took[len(took)/2]), prefix+"p50-ms")
	b.ReportMetric(ms(took[len(took)-1]), prefix+"max-ms")
}

// threadCPU is the CPU time of the calling thread.
func threadCPU(b *testing.B) time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ts.Nano())
}

// driver feeds a root model messages as the program would, on one
// goroutine, and counts the time spent in Update.
type driver struct {
	m     *Model
	late  chan tea.Msg // what slow commands sent after their key's frame
	spent time.Duration
}

func newDriver(m *Model) *driver { return &driver{m: m, late: make(chan tea.Msg, 1024)} }

// quickCmd is how long a command's message is waited for to count in the
// frame of the key that started it; slower ones (a cursor's blink, a
// tick) arrive as late messages before a later key.
const quickCmd = 5 * time.Millisecond

// update gives the model msg, then runs the commands it returns.
func (d *driver) update(msg tea.Msg) {
	start := time.Now()
	_, cmd := d.m.Update(msg)
	d.spent += time.Since(start)
	d.run(cmd)
}

// run runs cmd off the model's goroutine, as the program does, and
// delivers its message if it comes at once.
func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		d.deliver(msg)
	case <-time.After(quickCmd):
		go func() { d.late <- <-done }()
	}
}

func (d *driver) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil, tickMsg, clockMsg: // no live rescans here
	case tea.BatchMsg:
		for _, cmd := range msg {
			d.run(cmd)
		}
	case tea.QuitMsg:
		panic("the key script quit the explorer")
	default:
		d.update(msg)
	}
}

// drainLate delivers the messages that came after their key's frame.
func (d *driver) drainLate() {
	for {
		select {
		case msg := <-d.late:
			d.deliver(msg)
		default:
			return
		}
	}
}
