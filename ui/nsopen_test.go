package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/nsdive/nsdive/inspect"
)

// opened runs cmd and returns the page it asks the root to push.
func opened(t *testing.T, what string, cmd tea.Cmd) page {
	t.Helper()
	if cmd == nil {
		t.Fatalf("%s: no command", what)
	}
	msg, ok := cmd().(openMsg)
	if !ok {
		t.Fatalf("%s: %T, want an openMsg", what, cmd())
	}
	return msg.page
}

// TestBrowserKeysOpenProcessAndMounts checks that p on the browser opens
// the page of the selection's lowest process and m the mount page of its
// mount namespace (the lowest process's, for a namespace of another type).
func TestBrowserKeysOpenProcessAndMounts(t *testing.T) {
	w := propagationWorld(t)
	web := webProcess(t, w)
	uts := w.snap.Namespaces[web.Namespaces[inspect.LinkUTS]]
	c := testCommon()
	c.world = w
	b := newBrowserAt(c, uts)
	b.SetSize(120, 30)
	if got := b.selected(); got != uts {
		t.Fatalf("newBrowserAt selected %v, want uts %s", got, uts.ID)
	}
	pp, ok := opened(t, "p", b.Update(tea.KeyPressMsg{Code: 'p', Text: "p"})).(*processPage)
	if !ok || pp.key != uts.Lowest().Key() {
		t.Errorf("p opened %T, want the process page of pid %d", pp, uts.Lowest().PID)
	}
	mp, ok := opened(t, "m", b.Update(tea.KeyPressMsg{Code: 'm', Text: "m"})).(*mountPage)
	if want := uts.Lowest().Namespaces[inspect.LinkMnt]; !ok || mp.mntns != want {
		t.Errorf("m opened %T, want the mount page of mnt %s", mp, want)
	}
}

// TestProcessPageEnterOpensBrowserOnNamespace checks that enter on a uts
// namespace opens the browser on it, and on a net namespace the network
// page focused on it.
func TestProcessPageEnterOpensBrowserOnNamespace(t *testing.T) {
	w := propagationWorld(t)
	web := webProcess(t, w)
	c := testCommon()
	c.world = w
	p := newProcessPage(c, web.Key())
	enterOn := func(l inspect.Link) page {
		for p.list.cursor = 0; p.links[p.list.cursor] != l; {
			p.Update(tea.KeyPressMsg{Code: tea.KeyDown})
		}
		return opened(t, "enter on "+l.Name(), p.Update(tea.KeyPressMsg{Code: tea.KeyEnter}))
	}
	b, ok := enterOn(inspect.LinkUTS).(*browser)
	if !ok {
		t.Fatal("enter on the uts row did not open a browser")
	}
	b.SetSize(120, 30)
	if got := b.selected(); got == nil || got.ID != web.Namespaces[inspect.LinkUTS] {
		t.Errorf("the browser selected %v, want uts %s", got, web.Namespaces[inspect.LinkUTS])
	}
	if np, ok := enterOn(inspect.LinkNet).(*netPage); !ok || np.sel.ns != web.Namespaces[inspect.LinkNet] {
		t.Errorf("enter on the net row opened %T, want the network page on net %s", np, web.Namespaces[inspect.LinkNet])
	}
}
