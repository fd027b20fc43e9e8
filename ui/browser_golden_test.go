package ui

import (
	"context"
	"errors"
	"flag"
	"fmt"
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

var updateBrowser = flag.Bool("update-browser", false, "rewrite the browser's golden files under testdata/")

// labModel is the root model over w as the explorer shows it, at a fixed
// time one second after the scan.
func labModel(c *common, w *world) *Model {
	m := newModel(context.Background(), c, 2*time.Second, w)
	m.now = func() time.Time { return w.snap.Taken.Add(1200 * time.Millisecond) }
	return m
}

// browserScreen draws m at a size, without colours and without spaces at
// the ends of lines (whether the root pads them is no part of a screen).
func browserScreen(m *Model, width, height int) string {
	m.Update(tea.WindowSizeMsg{Width: width, Height: height})
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// sendKeys gives the root model keys by name, as press does a browser.
func sendKeys(m *Model, keys ...string) {
	for _, k := range keys {
		switch k {
		case "down":
			m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
		case "tab":
			m.Update(tea.KeyPressMsg{Code: tea.KeyTab})
		case "enter":
			m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
		case "esc":
			m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
		default:
			for _, r := range k {
				_, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
				if cmd != nil {
					if msg, ok := cmd().(openMsg); ok {
						m.Update(msg)
					}
				}
			}
		}
	}
}

// browserGolden compares got with testdata/NAME.golden; -update-browser
// rewrites it.
func browserGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *updateBrowser {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -run %s -update-browser to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from %s; got:\n%s", t.Name(), path, got)
	}
}

// partialWorld is the lab host as a user other than root sees it: the
// processes of other users unreadable, so the namespaces only they are
// in missing, descriptors not read, and a container's network namespace
// unreadable inside.
func partialWorld() *world {
	snap := labSnapshot()
	snap.Parts &^= inspect.PartFDHolders
	hidden := 0
	for _, p := range snap.Processes {
		if p.UID == 100000 && p.PID%2 == 0 {
			p.Namespaces = inspect.NamespaceSet{}
			hidden++
		}
	}
	snap.Unreadable.Processes = hidden
	for id, ns := range snap.Namespaces {
		ns.Processes = slices.DeleteFunc(slices.Clone(ns.Processes), func(p *inspect.Process) bool {
			return p.Namespaces == (inspect.NamespaceSet{})
		})
		ns.Holders = slices.DeleteFunc(ns.Holders, func(h inspect.Holder) bool { return h.Kind != inspect.HeldByMount })
		if len(ns.Processes) == 0 && len(ns.Holders) == 0 {
			delete(snap.Namespaces, id)
		}
		if ns.Type == inspect.Net && ns.Container != nil {
			ns.Details.Net, ns.Details.Err = nil, errors.New("open /proc/ns/net: permission denied")
		}
	}
	w := newWorld(snap, 80*time.Millisecond)
	w.partial.Privileged = false
	return w
}

// TestBrowserScreens draws the main screen in each state at 80x24 and
// 200x50 and compares with the golden files.
func TestBrowserScreens(t *testing.T) {
	cases := []struct {
		name  string
		world func(t *testing.T) *world
		root  bool
		keys  []string
	}{
		{name: "all", keys: nil},
		{name: "net", keys: []string{"tab", "tab"}},
		{name: "user", keys: []string{"tab", "tab", "tab", "tab"}},
		{name: "detail", keys: []string{"tab", "tab", "down", "enter"}},
		{name: "filter", keys: []string{"/", "web-1"}},
		{name: "filter-kept", keys: []string{"tab", "tab", "/", "lab", "enter"}},
		{name: "explain", keys: []string{"tab", "tab", "i"}},
		{name: "partial", world: func(*testing.T) *world { return partialWorld() }, keys: []string{"tab", "tab", "down", "down"}},
		{name: "from", world: fixtureWorld, root: true, keys: []string{"tab", "tab"}},
	}
	for _, tc := range cases {
		for _, size := range [][2]int{{80, 24}, {200, 50}} {
			t.Run(tc.name, func(t *testing.T) {
				w := labWorld()
				if tc.world != nil {
					w = tc.world(t)
				}
				c := testCommon()
				c.host.Root = tc.root || tc.world == nil
				m := labModel(c, w)
				m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				sendKeys(m, tc.keys...)
				got := browserScreen(m, size[0], size[1])
				if n := strings.Count(got, "\n") + 1; n != size[1] {
					t.Errorf("the screen has %d lines, want %d", n, size[1])
				}
				browserGolden(t, "browser-"+tc.name+"-"+sizeName(size), got)
			})
		}
	}
}

func sizeName(size [2]int) string { return fmt.Sprintf("%dx%d", size[0], size[1]) }
