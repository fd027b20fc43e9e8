package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/nsdive/nsdive/inspect"
)

// sharedDir is the fixture's shared mount: shared in the host, a peer of
// it in the "peer" namespace, a slave of it in "web".
const sharedDir = "/srv/nsdv-shared"

// fixtureMountNS are the fixture's three mount namespaces: the host's,
// the one that shares its mounts (unshare --propagation unchanged) and
// the one that receives them (--propagation slave).
func fixtureMountNS(t *testing.T, w *world) (host, peer, slave inspect.NamespaceID) {
	t.Helper()
	host = w.snap.Initial[inspect.LinkMnt]
	peer = processByCommand(t, w.snap, "sleep", "1001").Namespaces[inspect.LinkMnt]
	slave = webProcess(t, w).Namespaces[inspect.LinkMnt]
	return host, peer, slave
}

// mountAt returns the id of the mount on target in mntns.
func mountAt(t *testing.T, w *world, mntns inspect.NamespaceID, target string) int {
	t.Helper()
	for _, m := range w.snap.Mounts[mntns] {
		if m.MountPoint == target {
			return m.ID
		}
	}
	t.Fatalf("no mount on %s in mnt %s", target, mntns)
	return 0
}

// mountPageAt returns the mount page of mntns with the mount on target
// chosen.
func mountPageAt(t *testing.T, c *common, mntns inspect.NamespaceID, target string) *mountPage {
	p := newMountPage(c, mntns)
	p.selectMount(mountAt(t, c.world, mntns, target))
	return p
}

// TestMountPageGolden draws the mount page with the shared mount chosen
// in the host and with its slave chosen in web, at 80x24 and 200x50.
func TestMountPageGolden(t *testing.T) {
	w := propagationWorld(t)
	host, _, slave := fixtureMountNS(t, w)
	for _, tc := range []struct {
		name  string
		mntns inspect.NamespaceID
		w, h  int
	}{
		{"mounts-host-80x24", host, 80, 24},
		{"mounts-host-200x50", host, 200, 50},
		{"mounts-slave-80x24", slave, 80, 24},
		{"mounts-slave-200x50", slave, 200, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := modelWith(testCommon(), w, func(c *common) page { return mountPageAt(t, c, tc.mntns, sharedDir) })
			checkGolden(t, tc.name, screen(m, tc.w, tc.h))
		})
	}
}

// TestMountPagePeerGroupAcrossNamespaces checks that the shared mount's
// links name its peer in the other namespace and the slave, and that the
// slave's name the mounts it receives from.
func TestMountPagePeerGroupAcrossNamespaces(t *testing.T) {
	w := propagationWorld(t)
	host, peer, slave := fixtureMountNS(t, w)
	c := testCommon()
	c.world = w
	type link struct {
		rel   linkRel
		mntns inspect.NamespaceID
		mount int
	}
	for _, tc := range []struct {
		mntns inspect.NamespaceID
		want  []link
	}{
		{host, []link{{relPeer, peer, mountAt(t, w, peer, sharedDir)}, {relSlave, slave, mountAt(t, w, slave, sharedDir)}}},
		{peer, []link{{relPeer, host, mountAt(t, w, host, sharedDir)}, {relSlave, slave, mountAt(t, w, slave, sharedDir)}}},
		{slave, []link{{relMaster, host, mountAt(t, w, host, sharedDir)}, {relMaster, peer, mountAt(t, w, peer, sharedDir)}}},
	} {
		p := mountPageAt(t, c, tc.mntns, sharedDir)
		var got []link
		for _, l := range p.links {
			got = append(got, link{l.rel, l.ref.MountNS, l.ref.MountID})
		}
		if len(got) != len(tc.want) {
			t.Fatalf("mnt %s: links %v, want %v", tc.mntns, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("mnt %s: link %d is %v, want %v", tc.mntns, i, got[i], tc.want[i])
			}
		}
		p.SetSize(200, 40)
		view := p.View()
		for _, l := range tc.want {
			if !strings.Contains(view, l.mntns.String()) || !strings.Contains(view, l.rel.arrow()+" "+l.rel.word()) {
				t.Errorf("mnt %s: the view does not show %s in mnt %s:\n%s", tc.mntns, l.rel.word(), l.mntns, view)
			}
		}
	}
}

// TestMountPageJumpsToLinkedMount checks that tab then enter on a link
// opens the other namespace's mount page on the linked mount.
func TestMountPageJumpsToLinkedMount(t *testing.T) {
	w := propagationWorld(t)
	host, _, slave := fixtureMountNS(t, w)
	c := testCommon()
	c.world = w
	p := mountPageAt(t, c, host, sharedDir)
	p.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	p.Update(tea.KeyPressMsg{Code: tea.KeyDown}) // the slave, after the peer
	cmd := p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if cmd == nil {
		t.Fatal("enter on a link: no command")
	}
	open, ok := cmd().(openMsg)
	if !ok {
		t.Fatalf("enter on a link: %T, want openMsg", cmd())
	}
	next, ok := open.page.(*mountPage)
	if !ok || next.mntns != slave || next.current().MountPoint != sharedDir {
		t.Errorf("enter on the slave opened %q on %v, want mnt %s on %s", open.page.Title(), next.current(), slave, sharedDir)
	}
}

// TestMountPageKeepsSelectionAcrossRescans checks that the chosen mount
// stays chosen when mounts appear before it, and that a namespace that
// vanished keeps its last table, marked gone.
func TestMountPageKeepsSelectionAcrossRescans(t *testing.T) {
	w := propagationWorld(t)
	_, peer, _ := fixtureMountNS(t, w)
	c := testCommon()
	c.world = w
	p := mountPageAt(t, c, peer, sharedDir)
	chosen := p.current().ID

	next := without(w.snap, 0)
	table := append([]inspect.Mount{{ID: 99990, ParentID: chosen - 1000, MountPoint: "/new-a", FSType: "tmpfs"},
		{ID: 99991, ParentID: chosen - 1000, MountPoint: "/new-b", FSType: "tmpfs"}}, w.snap.Mounts[peer]...)
	next.Mounts[peer] = table
	c.world = w.next(next, 0, time.Now())
	p.Refresh()
	if got := p.current(); got.ID != chosen {
		t.Errorf("after mounts appeared: chosen %d %s, want %d %s", got.ID, got.MountPoint, chosen, sharedDir)
	}

	gone := without(next, 0)
	delete(gone.Namespaces, peer)
	delete(gone.Mounts, peer)
	c.world = c.world.next(gone, 0, time.Now())
	p.Refresh()
	p.SetSize(120, 30)
	if view := ansi.Strip(p.View()); !p.gone || !strings.Contains(view, "gone") || p.current().ID != chosen {
		t.Errorf("after the namespace vanished: gone %v, chosen %d; want the last table, marked gone:\n%s", p.gone, p.current().ID, view)
	}
}

// TestMountPageClick checks that a click chooses the mount, then the
// link, under the mouse.
func TestMountPageClick(t *testing.T) {
	w := propagationWorld(t)
	host, _, slave := fixtureMountNS(t, w)
	c := testCommon()
	c.world = w
	p := mountPageAt(t, c, host, sharedDir)
	p.SetSize(120, 40)
	lines := strings.Split(ansi.Strip(p.View()), "\n")
	at := func(text string) int {
		for y, l := range lines {
			if strings.Contains(l, text) {
				return y
			}
		}
		t.Fatalf("no line with %q:\n%s", text, strings.Join(lines, "\n"))
		return 0
	}
	p.Update(tea.MouseClickMsg{X: 5, Y: at("/run/netns "), Button: tea.MouseLeft})
	if got := p.current().MountPoint; got != "/run/netns" {
		t.Fatalf("a click on /run/netns chose %s", got)
	}
	p.Update(tea.MouseClickMsg{X: 5, Y: at(sharedDir + " "), Button: tea.MouseLeft})
	lines = strings.Split(ansi.Strip(p.View()), "\n")
	p.Update(tea.MouseClickMsg{X: 5, Y: at("→ slave"), Button: tea.MouseLeft})
	if !p.focusLinks || p.links[p.linkList.cursor].ref.MountNS != slave {
		t.Errorf("a click on the slave link: focus %v, link %v; want the slave in mnt %s", p.focusLinks, p.links[p.linkList.cursor].ref, slave)
	}
}

// TestMountPageEscLeavesLinksFirst checks that esc with the links focused
// goes back to the mounts, and only the next esc leaves the page.
func TestMountPageEscLeavesLinksFirst(t *testing.T) {
	w := propagationWorld(t)
	host, _, _ := fixtureMountNS(t, w)
	m := modelWith(testCommon(), w, func(c *common) page { return mountPageAt(t, c, host, sharedDir) })
	screen(m, 120, 40)
	m.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	if !m.top().(*mountPage).focusLinks {
		t.Fatal("tab did not focus the links")
	}
	esc := tea.KeyPressMsg{Code: tea.KeyEscape}
	m.Update(esc)
	if p, ok := m.top().(*mountPage); !ok || p.focusLinks {
		t.Fatalf("the first esc left %T (links focused: %v); want the mount page with the mounts focused", m.top(), ok && p.focusLinks)
	}
	m.Update(esc)
	if _, ok := m.top().(*mountPage); ok {
		t.Error("the second esc did not leave the mount page")
	}
}
