package ui

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/nsdive/nsdive/inspect"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata")

// propagationWorld is the snapshot propagation-host.sh saved: three mount
// namespaces sharing and receiving mount events, a process in nested pid,
// uts, ipc and net namespaces, one whose for_children links differ.
func propagationWorld(t *testing.T) *world {
	t.Helper()
	w, err := readWorld("testdata/propagation-host.json")
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// processByCommand finds the process of the fixture with this command line.
func processByCommand(t *testing.T, snap *inspect.Snapshot, cmdline ...string) *inspect.Process {
	t.Helper()
	for _, p := range snap.SortedProcesses() {
		if slices.Equal(p.Cmdline, cmdline) {
			return p
		}
	}
	t.Fatalf("no process %q in the fixture", cmdline)
	return nil
}

// screen draws the root model at width x height, without colours and
// without spaces at the ends of lines (whether the root pads lines is no
// part of a page's screen).
func screen(m *Model, width, height int) string {
	m.Update(tea.WindowSizeMsg{Width: width, Height: height})
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// modelWith returns a root model over w with page pushed on the browser.
func modelWith(c *common, w *world, open func(c *common) page) *Model {
	m := newModel(context.Background(), c, time.Second, w)
	m.Update(openMsg{page: open(c)})
	return m
}

// checkGolden compares got with testdata/NAME.golden; -update rewrites it.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s ./ui -update to write it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (go test -run %s ./ui -update rewrites it):\n%s", name, path, t.Name(), got)
	}
}
