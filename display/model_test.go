package display

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nsdive/nsdive/inspect"
)

// fakeHost is a small snapshot built by hand:
//
//	pid 1   init   in the initial namespaces (user 1, net 2, pid 3)
//	pid 10  unshare, child of 1: own user 11 (owned by 1), net 12, pid 3
//	pid 11  sh, child of 10: user 11, net 12, own pid 13 (parent pid 3)
//	pid 12  thread of 11 in 11's namespaces (not a row of its own)
//	pid 20  unreadable
//
// and net 30 held by a bind mount only, in nsdive's mount namespace 40 and
// in 41.
func fakeHost() *inspect.Snapshot {
	id := func(ino uint64) inspect.NamespaceID { return inspect.NamespaceID{Dev: 4, Ino: ino} }
	set := func(user, net, pid uint64) inspect.NamespaceSet {
		var s inspect.NamespaceSet
		s[inspect.LinkUser], s[inspect.LinkNet], s[inspect.LinkPID] = id(user), id(net), id(pid)
		s[inspect.LinkPIDForChildren] = id(pid)
		return s
	}
	procs := []*inspect.Process{
		{PID: 1, TGID: 1, Comm: "init", Cmdline: []string{"/sbin/init"}, UID: 0, Namespaces: set(1, 2, 3)},
		{PID: 10, TGID: 10, PPID: 1, Comm: "unshare", Cmdline: []string{"unshare", "-Urn"}, UID: 1000, Namespaces: set(11, 12, 3)},
		{PID: 11, TGID: 11, PPID: 10, Comm: "sh", Cmdline: []string{"sh"}, UID: 1000, Namespaces: set(11, 12, 13)},
		{PID: 12, TGID: 11, PPID: 10, Comm: "sh", UID: 1000, Namespaces: set(11, 12, 13)},
		{PID: 20, TGID: 20, PPID: 1, Comm: "secret", UID: -1},
	}
	self := set(1, 2, 3)
	self[inspect.LinkMnt] = id(40)
	snap := inspect.NewSnapshot(time.Time{}, self)
	snap.ProcRoot = "/proc"
	snap.Initial, snap.InitialPID = set(1, 2, 3), 1
	snap.Unreadable = inspect.Unreadable{Processes: 1, Links: 10}
	snap.Parts = inspect.PartNetNSID
	for _, p := range procs {
		snap.Processes[p.PID] = p
	}
	add := func(ino uint64, t inspect.Type, owner, parent uint64, members ...int) *inspect.Namespace {
		ns := &inspect.Namespace{ID: id(ino), Type: t, Owner: id(owner), Parent: id(parent), OwnerUID: -1, NetNSID: -1}
		for _, pid := range members {
			ns.Processes = append(ns.Processes, snap.Processes[pid])
		}
		snap.Namespaces[ns.ID] = ns
		return ns
	}
	add(1, inspect.User, 0, 0, 1)
	add(2, inspect.Net, 1, 0, 1)
	add(3, inspect.PID, 1, 0, 1, 10)
	add(11, inspect.User, 1, 1, 10, 11, 12)
	add(12, inspect.Net, 11, 0, 10, 11, 12)
	add(13, inspect.PID, 11, 3, 11, 12)
	bound := add(30, inspect.Net, 1, 0)
	bound.Holders = []inspect.Holder{
		{Kind: inspect.HeldByMount, Path: "/run/netns/blue", MountNS: id(40)},
		{Kind: inspect.HeldByMount, Path: "/run/netns/blue", MountNS: id(41)},
	}
	bound.NetNSID = 0
	// A user namespace that only a descriptor holds.
	held := add(50, inspect.User, 1, 1)
	held.OwnerUID = 0
	held.Holders = []inspect.Holder{{Kind: inspect.HeldByFD, PID: 10, FD: 3}}
	return snap
}

// inodes returns the inode of each namespace, in order.
func inodes(nss []*inspect.Namespace) []uint64 {
	out := make([]uint64, len(nss))
	for i, ns := range nss {
		out[i] = ns.ID.Ino
	}
	return out
}

func TestSelection(t *testing.T) {
	snap := fakeHost()
	tests := []struct {
		name string
		sel  Selection
		want []uint64
	}{
		{"everything, by inode", Selection{}, []uint64{1, 2, 3, 11, 12, 13, 30, 50}},
		{"one type", Selection{Types: []inspect.Type{inspect.Net}}, []uint64{2, 12, 30}},
		{"two types", Selection{Types: []inspect.Type{inspect.PID, inspect.User}}, []uint64{1, 3, 11, 13, 50}},
		{"a process", Selection{PID: 11}, []uint64{11, 12, 13}},
		{"a process and a type", Selection{PID: 10, Types: []inspect.Type{inspect.PID}}, []uint64{3}},
		{"an inode", Selection{Inode: 12}, []uint64{12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.sel.Namespaces(snap)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(inodes(got), tt.want) {
				t.Errorf("got %v, want %v", inodes(got), tt.want)
			}
		})
	}
	for _, tt := range []struct {
		sel  Selection
		want error
	}{
		{Selection{PID: 99}, ErrNoProcess},
		{Selection{Inode: 99}, ErrNoNamespace},
		{Selection{Inode: 12, Types: []inspect.Type{inspect.User}}, ErrNoNamespace},
	} {
		if _, err := tt.sel.Namespaces(snap); !errors.Is(err, tt.want) {
			t.Errorf("%+v: error %v, want %v", tt.sel, err, tt.want)
		}
	}
}

func TestTree(t *testing.T) {
	snap := fakeHost()
	nss, _ := Selection{}.Namespaces(snap)
	rows := NewRows(snap, nss)
	// show draws the tree as "ino(child ...)" with the rows' inodes.
	var show func(nodes []*Node) string
	show = func(nodes []*Node) string {
		s := ""
		for i, n := range nodes {
			if i > 0 {
				s += " "
			}
			s += rows[n.Row].Text("NS")
			if len(n.Children) > 0 {
				s += "(" + show(n.Children) + ")"
			}
		}
		return s
	}
	tests := []struct {
		relation Relation
		want     string
	}{
		{Flat, "1 2 3 11 12 13 30 50"},
		{ByOwner, "1(2 3 11(12 13) 30 50)"},
		{ByParent, "1(11 50) 2 3(13) 12 30"},
		// Under the latest earlier row of the parent process: 10's rows
		// under pid 1's last row (3), 11's pid namespace under 10's last.
		{ByProcess, "1 2 3(11 12(13)) 30 50"},
	}
	for _, tt := range tests {
		if got := show(Tree(rows, tt.relation)); got != tt.want {
			t.Errorf("Tree(%q) = %s, want %s", tt.relation, got, tt.want)
		}
	}
}

func TestNesting(t *testing.T) {
	tests := []struct {
		asked Relation
		flat  bool
		cols  []string
		want  Relation
	}{
		{Flat, false, DefaultColumns, ByProcess},
		{Flat, true, DefaultColumns, Flat},
		{Flat, false, []string{"NS", "PID"}, Flat},
		{ByProcess, false, []string{"NS", "PID"}, Flat},
		{ByOwner, false, []string{"NS", "PID"}, ByOwner},
		{ByOwner, false, []string{"PID", "COMMAND"}, Flat},
		{ByParent, true, DefaultColumns, ByParent},
	}
	for _, tt := range tests {
		if got := Nesting(tt.asked, tt.flat, tt.cols); got != tt.want {
			t.Errorf("Nesting(%q, %v, %v) = %q, want %q", tt.asked, tt.flat, tt.cols, got, tt.want)
		}
	}
}

func TestParseRelation(t *testing.T) {
	for _, s := range []string{"", "owner", "parent", "process"} {
		if r, err := ParseRelation(s); err != nil || string(r) != s {
			t.Errorf("ParseRelation(%q) = %q, %v", s, r, err)
		}
	}
	if _, err := ParseRelation("sideways"); err == nil {
		t.Error("ParseRelation(sideways): no error")
	}
}

func TestRowValues(t *testing.T) {
	snap := fakeHost()
	users := &Users{lookup: func(uid int) (string, bool) { return map[int]string{0: "root"}[uid], uid == 0 }}
	row := func(ino uint64) *Row {
		r := NewRows(snap, []*inspect.Namespace{snap.Namespaces[inspect.NamespaceID{Dev: 4, Ino: ino}]})[0]
		r.Users = users
		return r
	}
	tests := []struct {
		ino  uint64
		col  string
		want any
	}{
		{1, "NS", uint64(1)},
		{1, "TYPE", "user"},
		{1, "USER", "root"},
		{12, "USER", "1000"},
		{12, "NPROCS", 2},
		{12, "PID", 10},
		{12, "PPID", 1},
		{12, "COMMAND", "unshare -Urn"},
		{12, "PATH", "/proc/10/ns/net"},
		{2, "NETNSID", "unassigned"},
		{12, "NETNSID", "unassigned"},
		{1, "NETNSID", nil},
		{13, "PNS", uint64(3)},
		{13, "ONS", uint64(11)},
		{30, "PID", nil},
		{30, "USER", nil},
		{30, "PATH", "/run/netns/blue"},
		{30, "NSFS", "/run/netns/blue"},
		{30, "HOLDERS", "mount:/run/netns/blue"},
		{30, "NETNSID", "0"},
	}
	for _, tt := range tests {
		if got := row(tt.ino).Value(tt.col); got != tt.want {
			t.Errorf("namespace %d, %s = %#v, want %#v", tt.ino, tt.col, got, tt.want)
		}
	}
	snap.ProcRoot = ""
	if got := row(12).Value("PATH"); got != nil {
		t.Errorf("PATH of a snapshot read from a file = %#v, want nil: it has no /proc", got)
	}
	snap.ProcRoot = "/proc"
	snap.Parts = 0
	if got := row(30).Value("NETNSID"); got != nil {
		t.Errorf("NETNSID the scan did not read = %#v, want nil", got)
	}
	snap.Parts = inspect.PartNetNSID
	// Several bind mounts: one path a line, as lsns; a comma for -r.
	bound := snap.Namespaces[inspect.NamespaceID{Dev: 4, Ino: 30}]
	bound.Holders = append(bound.Holders, inspect.Holder{Kind: inspect.HeldByMount, Path: "/tmp/a b", MountNS: bound.Holders[0].MountNS})
	if got := row(30).Value("NSFS"); got != "/run/netns/blue\n/tmp/a b" {
		t.Errorf("NSFS = %q, want the paths a line each", got)
	}
	raw := row(30)
	raw.ListSep = ","
	if got := raw.Value("NSFS"); got != "/run/netns/blue,/tmp/a b" {
		t.Errorf("NSFS with ListSep , = %q", got)
	}
	// A user namespace no process is in: its creator, once Fill read it.
	held := row(50)
	if got := held.Value("USER"); got != nil {
		t.Errorf("USER of a user namespace with no process before Fill = %#v, want nil", got)
	}
	Fill(snap, []*Row{held})
	if got, uid := held.Value("USER"), held.Value("UID"); got != "root" || uid != 0 {
		t.Errorf("USER, UID of a user namespace with no process = %#v, %#v; want its creator root, 0", got, uid)
	}
	if got := row(30).Text("PID"); got != "" {
		t.Errorf("the text of a nil value is %q, want empty", got)
	}
}

// TestMountElsewhere checks a namespace bound only in another mount
// namespace: its path is nothing in nsdive's, so NSFS and PATH leave it
// out, and HOLDERS names the mount namespace it is in.
func TestMountElsewhere(t *testing.T) {
	snap := fakeHost()
	ns := &inspect.Namespace{ID: inspect.NamespaceID{Dev: 4, Ino: 31}, Type: inspect.Net, OwnerUID: -1, NetNSID: -1,
		Holders: []inspect.Holder{
			{Kind: inspect.HeldByMount, Path: "/run/netns/red", MountNS: inspect.NamespaceID{Dev: 4, Ino: 41}},
			{Kind: inspect.HeldByMount, Path: "/run/netns/red", MountNS: inspect.NamespaceID{Dev: 4, Ino: 42}},
			{Kind: inspect.HeldByFD, PID: 10, FD: 3},
		}}
	snap.Namespaces[ns.ID] = ns
	r := NewRows(snap, []*inspect.Namespace{ns})[0]
	// Mount namespace 42, a copy of 41, has the same mount: the path is
	// shown once.
	for col, want := range map[string]any{"PATH": nil, "NSFS": nil, "HOLDERS": "mount:/run/netns/red@mnt:41,fd:10/3"} {
		if got := r.Value(col); got != want {
			t.Errorf("%s = %#v, want %#v", col, got, want)
		}
	}
}

func TestCommandLine(t *testing.T) {
	if got := CommandLine(&inspect.Process{Comm: "kthreadd"}); got != "kthreadd" {
		t.Errorf("a kernel thread's command is %q, want its name", got)
	}
	if got := CommandLine(&inspect.Process{Comm: "sleep", Cmdline: []string{"sleep", "1000"}}); got != "sleep 1000" {
		t.Errorf("got %q, want the arguments", got)
	}
}

func TestLinkText(t *testing.T) {
	snap := fakeHost()
	tests := []struct {
		pid  int
		link inspect.Link
		want string
	}{
		{1, inspect.LinkNet, "2"},
		{10, inspect.LinkNet, "*12"},
		{10, inspect.LinkPID, "3"},
		{11, inspect.LinkPID, "*13"},
		{20, inspect.LinkNet, "-"},
	}
	for _, tt := range tests {
		if got := LinkText(snap, snap.Processes[tt.pid], tt.link); got != tt.want {
			t.Errorf("pid %d, %s: %q, want %q", tt.pid, tt.link.Name(), got, tt.want)
		}
	}
	// Unknown initial namespaces mark nothing.
	snap.Initial = inspect.NamespaceSet{}
	if got := LinkText(snap, snap.Processes[10], inspect.LinkNet); got != "12" {
		t.Errorf("with no initial namespaces known: %q, want 12", got)
	}
	if got := PIDText(snap.Processes[12]); got != "11/12" {
		t.Errorf("thread 12 of 11 is %q, want 11/12", got)
	}
	if got := UserText(nil, snap.Processes[20]); got != "?" {
		t.Errorf("an unknown owner is %q, want ?", got)
	}
}

func TestPartial(t *testing.T) {
	snap := fakeHost()
	part := PartialOf(snap)
	if part.Unreadable != 1 || part.Total != 4 || !slices.Equal(part.PIDs, []int{20}) || part.What() != "pid 20" {
		t.Errorf("got %+v, %q; want 1 of 4, pid 20", part, part.What())
	}
	for pid := 30; pid < 34; pid++ {
		snap.Processes[pid] = &inspect.Process{PID: pid, TGID: pid, UID: -1}
	}
	snap.Unreadable.Processes = 5
	part = PartialOf(snap)
	if part.PIDs != nil || part.What() != "5 of 8 processes" {
		t.Errorf("got %+v, %q; want 5 of 8 processes, unnamed", part, part.What())
	}
	for _, tt := range []struct {
		unreadable int
		pids       []int
		privileged bool
		want       bool
	}{
		{0, nil, false, false}, {1, []int{1}, false, true}, {1, []int{1}, true, false},
		{1, []int{20}, true, true}, {2, []int{1, 20}, true, true}, {4, nil, true, true},
	} {
		p := Partial{Unreadable: tt.unreadable, PIDs: tt.pids, Privileged: tt.privileged}
		if got := p.Missing(); got != tt.want {
			t.Errorf("%+v: Missing() = %v, want %v", p, got, tt.want)
		}
	}
	snap.Unreadable.Processes = 0
	if part := PartialOf(snap); !part.IsComplete() {
		t.Errorf("nothing unreadable: %+v, want complete", part)
	}
}

func TestPeers(t *testing.T) {
	ns := func(ino uint64) inspect.NamespaceID { return inspect.NamespaceID{Dev: 4, Ino: ino} }
	snap := &inspect.Snapshot{
		Mounts: map[inspect.NamespaceID][]inspect.Mount{
			ns(1): {{ID: 1, Propagation: inspect.Propagation{Shared: 5}}, {ID: 2, Propagation: inspect.Propagation{Shared: 5}}, {ID: 3}},
			ns(2): {{ID: 7, Propagation: inspect.Propagation{Shared: 5}}, {ID: 8, Propagation: inspect.Propagation{Master: 5}}},
		},
		PeerGroups: map[int][]inspect.MountRef{5: {{MountNS: ns(1), MountID: 1}, {MountNS: ns(1), MountID: 2}, {MountNS: ns(2), MountID: 7}}},
	}
	if got := Peers(snap, inspect.MountRef{MountNS: ns(1), MountID: 1}); got != 2 {
		t.Errorf("mount 1 reaches %d mounts in other namespaces, want 2 (a peer and a slave)", got)
	}
	if got := Peers(snap, inspect.MountRef{MountNS: ns(1), MountID: 3}); got != 0 {
		t.Errorf("a private mount has %d peers, want 0", got)
	}
	for p, want := range map[inspect.Propagation]string{
		{}:                            "-",
		{Shared: 1, Master: 2}:        "shared:1 master:2",
		{Master: 3, PropagateFrom: 4}: "master:3 propagate_from:4",
		{Shared: 9, Unbindable: true}: "shared:9",
	} {
		if got := PeerGroupsText(p); got != want {
			t.Errorf("PeerGroupsText(%+v) = %q, want %q", p, got, want)
		}
	}
}
