package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/nsdive/nsdive/inspect"
)

// fixtureWorld is the small-host snapshot of the schema package's tests.
func fixtureWorld(t *testing.T) *world {
	t.Helper()
	w, err := readWorld("../schema/testdata/small-host.json")
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func testCommon() *common {
	return &common{styles: defaultStyles(true), keys: defaultKeyMap(), host: host{Name: "test", Kernel: "6.18", Root: true}}
}

// TestRescanIsNeverDoubled checks that a rescan asked for while one runs
// waits for it, and that a tick scheduled before a rescan-now is ignored.
func TestRescanIsNeverDoubled(t *testing.T) {
	m := newModel(context.Background(), testCommon(), time.Second, nil)
	m.Init()
	if !m.scanning {
		t.Fatal("Init did not start a scan")
	}
	if cmd := m.rescan(); cmd != nil || !m.queued {
		t.Fatalf("rescan during a scan: cmd %v, queued %v; want it queued, not started", cmd != nil, m.queued)
	}
	snap := fixtureWorld(t).snap
	_, cmd := m.Update(scanDoneMsg{snap: snap})
	if cmd == nil || !m.scanning || m.queued {
		t.Fatalf("after the scan: next cmd %v, scanning %v, queued %v; want the queued rescan started", cmd != nil, m.scanning, m.queued)
	}
	stale := m.tickGen - 1
	if _, cmd := m.Update(tickMsg{gen: stale}); cmd != nil {
		t.Error("a stale tick started a scan")
	}
	_, cmd = m.Update(scanDoneMsg{snap: snap})
	if m.scanning || cmd == nil {
		t.Fatalf("after the second scan: scanning %v; want idle with a tick scheduled", m.scanning)
	}
	if _, cmd := m.Update(tickMsg{gen: m.tickGen}); cmd == nil || !m.scanning {
		t.Error("the current tick did not start a scan")
	}
}

// TestWorldHighlightsAppearedAndVanished checks that a rescan marks what
// appeared and keeps what vanished for a moment.
func TestWorldHighlightsAppearedAndVanished(t *testing.T) {
	old := fixtureWorld(t)
	var gone *inspect.Namespace
	for _, ns := range old.snap.SortedNamespaces() {
		gone = ns
	}
	next := inspect.NewSnapshot(time.Now(), old.snap.Self())
	for id, ns := range old.snap.Namespaces {
		if id != gone.ID {
			next.Namespaces[id] = ns
		}
	}
	born := inspect.NamespaceID{Ino: 4026599999}
	next.Namespaces[born] = &inspect.Namespace{ID: born, Type: inspect.Net}
	now := time.Now()
	w := old.next(next, 0, now)
	if _, ok := w.appeared[born]; !ok {
		t.Errorf("appeared = %v, want %v in it", w.appeared, born)
	}
	if v, ok := w.vanished[gone.ID]; !ok || v.ns != gone {
		t.Errorf("vanished = %v, want %v in it", w.vanished, gone.ID)
	}
	if !w.expire(now.Add(flashFor)) || len(w.appeared)+len(w.vanished) != 0 {
		t.Errorf("after %s: appeared %v, vanished %v; want both empty", flashFor, w.appeared, w.vanished)
	}
}

// TestQuitKeys checks q and ctrl+c quit from the browser.
func TestQuitKeys(t *testing.T) {
	for _, k := range []tea.KeyPressMsg{{Code: 'q', Text: "q"}, {Code: 'c', Mod: tea.ModCtrl}} {
		m := newModel(context.Background(), testCommon(), time.Second, fixtureWorld(t))
		_, cmd := m.Update(k)
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s did not quit", k)
		}
	}
}

// TestFitLines checks that the page's text is cut or padded to the room
// between header and footer.
func TestFitLines(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"", 1, ""},
		{"", 3, "\n\n"},
		{"a", 3, "a\n\n"},
		{"a\nb\nc", 3, "a\nb\nc"},
		{"a\nb\nc\nd", 3, "a\nb\nc"},
		{"a\nb\n", 2, "a\nb"},
		{"a\nb\nc", 1, "a"},
	} {
		if got := fitLines(tc.in, tc.n); got != tc.want {
			t.Errorf("fitLines(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// TestScanErrorInStatusLine checks that a failed rescan shows in the
// status line and keeps the last snapshot and the live rescans going.
func TestScanErrorInStatusLine(t *testing.T) {
	m := newModel(context.Background(), testCommon(), time.Second, nil)
	m.Init()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	first := fixtureWorld(t).snap
	m.Update(scanDoneMsg{snap: first})
	m.scanning = true
	_, cmd := m.Update(scanDoneMsg{err: errors.New("open /proc: permission denied")})
	if cmd == nil {
		t.Error("no rescan scheduled after a failed scan")
	}
	if m.c.world == nil || m.c.world.snap != first {
		t.Error("the failed scan dropped the last snapshot")
	}
	if view := ansi.Strip(m.View().Content); !strings.Contains(view, "scan failed: open /proc: permission denied") {
		t.Errorf("the screen does not show the scan's error:\n%s", view)
	}
}

// TestScansSlowDownOnLargeHosts checks that the pause after a scan is the
// interval unless scans that costly, that often, would take more than
// 1/scanShare of a core, and that the header says when it is longer.
func TestScansSlowDownOnLargeHosts(t *testing.T) {
	for _, tc := range []struct {
		took, cpu, want time.Duration
	}{
		{10 * time.Millisecond, 15 * time.Millisecond, 2 * time.Second}, // 100 processes
		{300 * time.Millisecond, 250 * time.Millisecond, 2 * time.Second},
		{600 * time.Millisecond, 500 * time.Millisecond, 500*time.Millisecond*scanShare - 600*time.Millisecond}, // 10,000
	} {
		if got := nextScanIn(2*time.Second, tc.took, tc.cpu); got != tc.want {
			t.Errorf("nextScanIn(2s, took %s, cpu %s) = %s, want %s", tc.took, tc.cpu, got, tc.want)
		}
	}
	m := newModel(context.Background(), testCommon(), 2*time.Second, nil)
	m.Init()
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 24})
	m.Update(scanDoneMsg{snap: fixtureWorld(t).snap, took: 600 * time.Millisecond, cpu: 500 * time.Millisecond})
	if m.pace <= m.interval {
		t.Fatalf("pace %s after a 500 ms scan, want more than the interval", m.pace)
	}
	if head := ansi.Strip(m.headerView()); !strings.Contains(head, "live 3.4s (slowed from 2s") {
		t.Errorf("the header does not say the rescans are slowed: %s", head)
	}
}
