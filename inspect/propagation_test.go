package inspect

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

// Two mount namespaces of a made-up host: ns1 holds a shared mount
// (group 1) with a peer; ns2 holds its copy, a slave, a slave that is
// shared on (group 2, with a slave of its own) and a private mount.
var (
	ns1 = NamespaceID{Dev: 4, Ino: 4026531841}
	ns2 = NamespaceID{Dev: 4, Ino: 4026532300}

	testTables = map[NamespaceID][]Mount{
		ns2: {
			{ID: 30, MountPoint: "/", Propagation: Propagation{Shared: 1}},
			{ID: 31, MountPoint: "/slave", Propagation: Propagation{Master: 1}},
			{ID: 32, MountPoint: "/relay", Propagation: Propagation{Shared: 2, Master: 1}},
			{ID: 33, MountPoint: "/private"},
			{ID: 29, MountPoint: "/relay/slave", Propagation: Propagation{Master: 2}},
		},
		ns1: {
			{ID: 40, MountPoint: "/", Propagation: Propagation{Shared: 1}},
			{ID: 20, MountPoint: "/peer", Propagation: Propagation{Shared: 1}},
			{ID: 21, MountPoint: "/unbindable", Propagation: Propagation{Unbindable: true}},
		},
	}
)

func ref(ns NamespaceID, id int) MountRef { return MountRef{MountNS: ns, MountID: id} }

func TestPropagationLinkPeerGroups(t *testing.T) {
	tests := []struct {
		name   string
		tables map[NamespaceID][]Mount
		want   map[int][]MountRef
	}{
		{"none", nil, map[int][]MountRef{}},
		{"private only", map[NamespaceID][]Mount{ns1: {{ID: 1}, {ID: 2, Propagation: Propagation{Master: 3}}}}, map[int][]MountRef{}},
		{"two namespaces", testTables, map[int][]MountRef{
			1: {ref(ns1, 20), ref(ns1, 40), ref(ns2, 30)},
			2: {ref(ns2, 32)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := linkPeerGroups(tt.tables)
			if len(got) != len(tt.want) {
				t.Errorf("got %d groups %v, want %d", len(got), got, len(tt.want))
			}
			for g, want := range tt.want {
				if !slices.Equal(got[g], want) {
					t.Errorf("group %d: got %v, want %v", g, got[g], want)
				}
			}
		})
	}
}

func TestPropagationSnapshotQueries(t *testing.T) {
	s := &Snapshot{Mounts: testTables, PeerGroups: linkPeerGroups(testTables)}
	tests := []struct {
		name     string
		ref      MountRef
		peers    []MountRef
		receives []MountRef
		sends    []MountRef
	}{
		{"shared", ref(ns1, 40), []MountRef{ref(ns1, 20), ref(ns2, 30)}, nil,
			[]MountRef{ref(ns1, 20), ref(ns2, 30), ref(ns2, 31), ref(ns2, 32)}},
		{"slave", ref(ns2, 31), nil, []MountRef{ref(ns1, 20), ref(ns1, 40), ref(ns2, 30)}, nil},
		{"shared slave", ref(ns2, 32), nil, []MountRef{ref(ns1, 20), ref(ns1, 40), ref(ns2, 30)},
			[]MountRef{ref(ns2, 29)}},
		{"private", ref(ns2, 33), nil, nil, nil},
		{"unbindable", ref(ns1, 21), nil, nil, nil},
		{"unknown mount", ref(ns1, 99), nil, nil, nil},
		{"unknown namespace", ref(NamespaceID{Ino: 1}, 40), nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Peers(tt.ref); !slices.Equal(got, tt.peers) {
				t.Errorf("Peers = %v, want %v", got, tt.peers)
			}
			if got := s.ReceivesFrom(tt.ref); !slices.Equal(got, tt.receives) {
				t.Errorf("ReceivesFrom = %v, want %v", got, tt.receives)
			}
			if got := s.PropagatesTo(tt.ref); !slices.Equal(got, tt.sends) {
				t.Errorf("PropagatesTo = %v, want %v", got, tt.sends)
			}
		})
	}
}

func TestPropagationSnapshotMount(t *testing.T) {
	s := &Snapshot{Mounts: testTables}
	if m := s.Mount(ref(ns2, 32)); m == nil || m.MountPoint != "/relay" {
		t.Errorf("Mount(ns2, 32) = %v, want /relay", m)
	}
	if m := s.Mount(ref(ns2, 40)); m != nil {
		t.Errorf("Mount(ns2, 40) = %v, want nil: 40 is in ns1", m)
	}
}

// TestPropagationPeerGroupsRoot builds a shared mount, its peers, a slave,
// a shared slave, an unbindable and a private mount across two real mount
// namespaces, then checks the parsed tables, the peer groups and findmnt's
// words for every mount. Both namespaces are children of a private copy of
// the test's, so nothing is mounted where the test runs and killing the
// helpers removes every mount.
func TestPropagationPeerGroupsRoot(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tool := range []string{"unshare", "nsenter", "findmnt"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s: %v", tool, err)
		}
	}
	dir := t.TempDir()
	pid1 := startInMountNS(t, dir, 0, `
		mkdir "$D/shared" "$D/slave" "$D/relay" "$D/unbindable" "$D/private"
		mount -t tmpfs nsdive-test "$D/shared"
		mount --make-shared "$D/shared"
		for m in slave relay unbindable; do mount --bind "$D/shared" "$D/$m"; done
		mount -t tmpfs nsdive-test "$D/private"`)
	pid2 := startInMountNS(t, dir, pid1, `
		mount --make-slave "$D/slave"
		mount --make-slave "$D/relay"
		mount --make-shared "$D/relay"
		mount --make-unbindable "$D/unbindable"`)

	tables := make(map[NamespaceID][]Mount)
	id1, id2 := mountNSOf(t, pid1), mountNSOf(t, pid2)
	for pid, id := range map[int]NamespaceID{pid1: id1, pid2: id2} {
		mounts, err := readParsed("/proc/"+strconv.Itoa(pid)+"/mountinfo", parseMountinfo)
		if err != nil {
			t.Fatal(err)
		}
		tables[id] = mounts
	}
	s := &Snapshot{Mounts: tables, PeerGroups: linkPeerGroups(tables)}
	at := func(ns NamespaceID, name string) MountRef {
		t.Helper()
		for _, m := range tables[ns] {
			if m.MountPoint == dir+"/"+name {
				return ref(ns, m.ID)
			}
		}
		t.Fatalf("no mount at %s/%s in %v", dir, name, ns)
		return MountRef{}
	}
	shared1, shared2 := at(id1, "shared"), at(id2, "shared")
	group := s.Mount(shared1).Shared
	if group == 0 {
		t.Fatalf("%v is not shared", s.Mount(shared1))
	}

	t.Run("propagation", func(t *testing.T) {
		relay := s.Mount(at(id2, "relay")).Propagation
		if relay.Shared == 0 || relay.Shared == group {
			t.Errorf("relay is in peer group %d, want a group of its own (not %d)", relay.Shared, group)
		}
		tests := []struct {
			ref  MountRef
			want Propagation
		}{
			{shared1, Propagation{Shared: group}},
			{at(id1, "slave"), Propagation{Shared: group}},
			{at(id1, "unbindable"), Propagation{Shared: group}},
			{at(id1, "private"), Propagation{}},
			{shared2, Propagation{Shared: group}},
			{at(id2, "slave"), Propagation{Master: group}},
			{at(id2, "relay"), Propagation{Shared: relay.Shared, Master: group}},
			{at(id2, "unbindable"), Propagation{Unbindable: true}},
			{at(id2, "private"), Propagation{}},
		}
		for _, tt := range tests {
			if got := s.Mount(tt.ref).Propagation; got != tt.want {
				t.Errorf("%v: got %#v, want %#v", s.Mount(tt.ref), got, tt.want)
			}
		}
	})

	t.Run("peer groups", func(t *testing.T) {
		members := []MountRef{shared1, at(id1, "slave"), at(id1, "relay"), at(id1, "unbindable"), shared2}
		slices.SortFunc(members, compareMountRefs)
		if got := s.PeerGroups[group]; !slices.Equal(got, members) {
			t.Errorf("peer group %d = %v, want %v", group, got, members)
		}
		if got := s.ReceivesFrom(at(id2, "slave")); !slices.Equal(got, members) {
			t.Errorf("slave receives from %v, want %v", got, members)
		}
		sends := slices.DeleteFunc(slices.Clone(members), func(r MountRef) bool { return r == shared2 })
		slaves := []MountRef{at(id2, "slave"), at(id2, "relay")}
		slices.SortFunc(slaves, compareMountRefs)
		if got := s.PropagatesTo(shared2); !slices.Equal(got, append(sends, slaves...)) {
			t.Errorf("shared copy propagates to %v, want %v then %v", got, sends, slaves)
		}
	})

	// Every mount of both namespaces must read as findmnt words it. The
	// host changes while the test runs: deleting a file another test bound
	// a namespace to (ip netns del) detaches that mount in every mount
	// namespace, these included. So only mounts in both reads are compared,
	// and the test's own must be in both.
	for pid, id := range map[int]NamespaceID{pid1: id1, pid2: id2} {
		t.Run("findmnt "+id.String(), func(t *testing.T) {
			out, err := exec.Command("findmnt", "--task", strconv.Itoa(pid), "-rn", "-o", "ID,PROPAGATION").Output()
			if err != nil {
				t.Fatalf("findmnt: %v", err)
			}
			want := make(map[int]string)
			for line := range strings.Lines(string(out)) {
				idStr, words, _ := strings.Cut(strings.TrimSpace(line), " ")
				n, err := strconv.Atoi(idStr)
				if err != nil {
					t.Fatalf("findmnt line %q: %v", line, err)
				}
				want[n] = words
			}
			compared := 0
			for _, m := range tables[id] {
				words, ok := want[m.ID]
				switch {
				case !ok && strings.HasPrefix(m.MountPoint, dir+"/"):
					t.Errorf("%s: findmnt does not list the test's mount %d", m.MountPoint, m.ID)
				case !ok:
					continue
				case m.Propagation.String() != words:
					t.Errorf("%s: got %q, findmnt says %q", m.MountPoint, m.Propagation.String(), words)
				}
				compared++
			}
			if compared < len(tables[id])/2 {
				t.Errorf("findmnt and mountinfo share %d of %d mounts; want most of them", compared, len(tables[id]))
			}
		})
	}
}

// startInMountNS runs script with $D set to dir in a new mount namespace,
// copied from the mount namespace of process enter, or with enter 0 from
// the test's and made private so that no mount leaks back. It returns the
// pid once the script is done; t.Cleanup kills the process, which ends the
// namespace and its mounts.
func startInMountNS(t *testing.T, dir string, enter int, script string) int {
	t.Helper()
	args := []string{"unshare", "--mount", "--propagation", "private"}
	if enter != 0 {
		// Keep the propagation copied from enter's namespace: it is what
		// the test looks at.
		args = []string{"nsenter", "--target", strconv.Itoa(enter), "--mount",
			"unshare", "--mount", "--propagation", "unchanged"}
	}
	// unshare and nsenter exec the shell, and the shell execs sleep, so
	// the pid started is the one in the new namespace.
	args = append(args, "sh", "-ec", script+"\necho ready\nexec sleep 1000")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "D="+dir, nstest.Marker) // Marker: for nstest.Leftovers
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// SIGKILL, as unshare --fork ignores SIGTERM. Both fail harmlessly
		// when the shell already exited.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err == nil && line != "ready\n" {
			err = fmt.Errorf("unexpected output %q", line)
		}
		ready <- err
	}()
	select {
	case err := <-ready:
		if err != nil {
			// The shell is gone: Wait returns and stderr is complete.
			_ = cmd.Wait()
			t.Fatalf("%s: %v\n%s", strings.Join(args[:len(args)-1], " "), err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: not ready after 10s", strings.Join(args[:len(args)-1], " "))
	}
	return cmd.Process.Pid
}

// mountNSOf returns the mount namespace of process pid.
func mountNSOf(t *testing.T, pid int) NamespaceID {
	t.Helper()
	var st unix.Stat_t
	path := "/proc/" + strconv.Itoa(pid) + "/ns/mnt"
	if err := unix.Stat(path, &st); err != nil {
		t.Fatalf("stat %s: %v", path, err)
	}
	return NamespaceID{Dev: st.Dev, Ino: st.Ino}
}
