package schema

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nsdive/nsdive/inspect"
)

// testdata/small-host.json is a host written by Write: pid 1 unreadable,
// a container's process 500 in its own user and uts namespaces whose
// time_for_children holds a time namespace, its thread 502 in the netns
// "blue" (bound at /run/netns/blue and open as fd 3 of 500), veth peers,
// mounts with peer groups, and details of every type, one an error.

func readFixture(t *testing.T) (*Document, []byte) {
	t.Helper()
	data, err := os.ReadFile("testdata/small-host.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return doc, data
}

func TestReadFixture(t *testing.T) {
	doc, data := readFixture(t)
	snap := doc.Snapshot
	id := func(ino uint64) inspect.NamespaceID { return inspect.NamespaceID{Dev: 4, Ino: ino} }
	ns := func(ino uint64) *inspect.Namespace {
		t.Helper()
		n := snap.Namespaces[id(ino)]
		if n == nil {
			t.Fatalf("namespace %d not read", ino)
		}
		return n
	}

	if want, _ := time.Parse(time.RFC3339, "2026-11-23T18:00:00.123456789Z"); !snap.Taken.Equal(want) {
		t.Errorf("Taken = %v, want %v", snap.Taken, want)
	}
	if snap.InitialPID != 2 || snap.Initial[inspect.LinkNet] != id(4026531833) || snap.Initial[inspect.LinkTimeForChildren] != id(4026531834) {
		t.Errorf("InitialPID %d, Initial %v; want 2 and the fixed inodes", snap.InitialPID, snap.Initial)
	}
	if snap.Self() != snap.Initial {
		t.Errorf("Self = %v, want the initial namespaces", snap.Self())
	}
	if snap.Unreadable != (inspect.Unreadable{Processes: 1, Other: 2}) {
		t.Errorf("Unreadable = %+v", snap.Unreadable)
	}
	if len(snap.Namespaces) != 12 || len(doc.Namespaces) != 12 || len(snap.Processes) != 4 {
		t.Errorf("%d namespaces (%d listed), %d processes; want 12 and 4", len(snap.Namespaces), len(doc.Namespaces), len(snap.Processes))
	}
	allParts := inspect.PartMountHolders | inspect.PartFDHolders | inspect.PartForChildren | inspect.PartHierarchy | inspect.PartContainers | inspect.PartNetNSID
	if snap.Parts != allParts || snap.DetailTypes != inspect.AllTypes {
		t.Errorf("parts %b and detail types %b read, want every one", snap.Parts, snap.DetailTypes)
	}
	if snap.ProcRoot != "" {
		t.Errorf("ProcRoot = %q, want none: the processes are another moment's", snap.ProcRoot)
	}

	user := ns(4026532400)
	if user.Type != inspect.User || user.Parent != id(4026531837) || user.OwnerUID != 1000 ||
		!slices.Equal(pids(user.Processes), []int{500, 502}) || user.NumProcs() != 1 || user.Serial != 4097 ||
		user.Container == nil || *user.Container != (inspect.Container{Engine: "docker", ID: "abc123def456"}) ||
		user.Details.User == nil || !slices.Equal(user.Details.User.UIDMap, []inspect.IDMapRange{{Inside: 0, Outside: 1000, Length: 1}}) || user.Details.User.SetGroups != "deny" {
		t.Errorf("user namespace read as %+v (details %+v)", user, user.Details.User)
	}
	blue := ns(4026532300)
	wantHolders := []inspect.Holder{{Kind: inspect.HeldByMount, Path: "/run/netns/blue", MountNS: id(4026531832)}, {Kind: inspect.HeldByFD, PID: 500, FD: 3}}
	if !slices.Equal(pids(blue.Processes), []int{502}) || blue.NumProcs() != 0 || blue.Lowest().PID != 502 ||
		!slices.Equal(blue.Holders, wantHolders) || blue.NetNSID != 0 || !slices.Equal(snap.NSFSPaths(blue), []string{"/run/netns/blue"}) {
		t.Errorf("netns blue read as %+v", blue)
	}
	if ifc := blue.Details.Net.Interfaces[1]; ifc.Name != "veth0" || ifc.Peer == nil || *ifc.Peer != (inspect.PeerRef{Namespace: id(4026531833), Index: 7, Name: "veth-host"}) {
		t.Errorf("veth0 read as %+v", ifc)
	}
	if lo := blue.Details.Net.Interfaces[0]; lo.Addrs == nil || len(lo.Addrs) != 0 || blue.Details.Net.Routes == nil {
		t.Errorf("empty lists read as absent: lo %+v, routes %v", lo, blue.Details.Net.Routes)
	}
	hostNet := ns(4026531833)
	if !snap.IsInitial(hostNet) || hostNet.NetNSID != -1 || hostNet.Details.Net.Interfaces[2].Master != "br0" || hostNet.Details.Net.Interfaces[2].Addrs != nil ||
		hostNet.Details.Net.Routes[0] != (inspect.Route{Dst: "default", Gateway: "192.168.1.1", Dev: "eth0"}) {
		t.Errorf("host net read as %+v", hostNet.Details.Net)
	}
	timeNS := ns(4026532402)
	if len(timeNS.Processes) != 0 || !slices.Equal(timeNS.Holders, []inspect.Holder{{Kind: inspect.HeldForChildren, PID: 500}}) ||
		*timeNS.Details.Time != (inspect.TimeOffsets{Monotonic: 100 * time.Second, Boottime: -5 * time.Second}) {
		t.Errorf("time namespace read as %+v (offsets %+v)", timeNS, timeNS.Details.Time)
	}
	if uts := ns(4026532401); uts.Details.UTS.Hostname != `box <&> "q"` || uts.Owner != id(4026532400) {
		t.Errorf("uts namespace read as %+v (names %+v)", uts, uts.Details.UTS)
	}
	if err := ns(4026531835).Details.Err; err == nil || err.Error() != "read cgroup details: permission denied" {
		t.Errorf("cgroup details error read as %v", err)
	}
	if ipc := ns(4026531839).Details.IPC; *ipc != (inspect.IPCInfo{SharedMemory: 3, MessageQueue: 1}) {
		t.Errorf("ipc counts read as %+v", ipc)
	}

	p1, p2, p500, p502 := snap.Processes[1], snap.Processes[2], snap.Processes[500], snap.Processes[502]
	if p1.Namespaces != (inspect.NamespaceSet{}) || p1.Cmdline != nil || p1.Comm != "systemd" || p1.Has(inspect.FieldCmdline) || !p1.Has(inspect.FieldStat|inspect.FieldNSpid|inspect.FieldCgroup) {
		t.Errorf("pid 1 read as %+v, want unreadable links and its command line not read", p1)
	}
	if p2.Cmdline == nil || len(p2.Cmdline) != 0 || p2.Namespaces != snap.Initial {
		t.Errorf("kthreadd read as %+v, want an empty command line in the initial namespaces", p2)
	}
	if p500.UID != 1000 || p500.Key() != (inspect.ProcessKey{PID: 500, StartTime: 4200}) || p500.State != 'S' || p500.StartTime != 4200 || !slices.Equal(p500.Cmdline, []string{"sleep", "1000"}) ||
		p500.Cgroup != "/system.slice/docker-abc123def4567890.scope" || p500.Container == nil || p500.Namespaces[inspect.LinkTimeForChildren] != id(4026532402) {
		t.Errorf("pid 500 read as %+v", p500)
	}
	if !p502.IsThread() || p502.TGID != 500 {
		t.Errorf("thread 502 read as %+v", p502)
	}
	want := []inspect.Link{inspect.LinkNet, inspect.LinkTimeForChildren, inspect.LinkUser, inspect.LinkUTS}
	if got := snap.DiffersFromInitial(p502); !slices.Equal(got, want) {
		t.Errorf("thread 502 differs from the initial namespaces in %v, want %v", got, want)
	}
	if doc.UserName(1000) != "alice" || doc.UserName(0) != "root" || doc.UserName(7) != "7" {
		t.Errorf("user names read as %v", doc.UserNames)
	}

	mounts := snap.Mounts[id(4026531832)]
	if len(mounts) != 2 || mounts[1].MountPoint != "/run/netns/blue" || mounts[1].Propagation != (inspect.Propagation{Shared: 5, Master: 1}) || mounts[1].Root != "net:[4026532300]" {
		t.Errorf("mounts read as %+v", mounts)
	}
	if got := snap.PeerGroups[5]; !slices.Equal(got, []inspect.MountRef{{MountNS: id(4026531832), MountID: 80}}) || len(snap.PeerGroups) != 2 {
		t.Errorf("peer groups read as %v", snap.PeerGroups)
	}

	// This host's pid 1 is another process; Fill must not take its
	// command line for the saved one's.
	if filled := snap.Fill([]*inspect.Process{p1}); filled[0].Cmdline != nil || filled[0].Comm != "systemd" {
		t.Errorf("Fill gave the saved pid 1 as %+v", filled[0])
	}

	if _, err := snap.RefreshProcess(p500.Key()); err == nil {
		t.Errorf("RefreshProcess of a saved snapshot read this host's pid 500")
	}
	if _, err := snap.RefreshNamespace(blue.ID); err == nil {
		t.Errorf("RefreshNamespace of a saved snapshot read this host")
	}

	var again bytes.Buffer
	if err := Write(&again, snap, doc.Namespaces, doc.UserName); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), data) {
		t.Errorf("written again, the fixture differs: %s", firstDifference(data, again.Bytes()))
	}
}

// TestReadOlderFile reads a file written before "parts", "detail_types"
// and a process's "read" were: only list --json --details wrote the schema
// then, and it read everything.
func TestReadOlderFile(t *testing.T) {
	doc, err := Read(strings.NewReader(`{"schema": "nsdive.snapshot/v1", "taken": "2026-11-23T18:00:00Z",
		"processes": [{"pid": 7, "tgid": 7, "comm": "sh", "cmdline": ["sh"], "namespaces": {"net": 4026531833}, "future": {"member": 1}}],
		"newer_member": [1, 2]}`))
	if err != nil {
		t.Fatal(err)
	}
	snap := doc.Snapshot
	if !snap.Has(inspect.PartMountHolders|inspect.PartFDHolders|inspect.PartForChildren|inspect.PartHierarchy|inspect.PartContainers|inspect.PartNetNSID) ||
		snap.DetailTypes != inspect.AllTypes {
		t.Errorf("parts %b and detail types %b, want every one", snap.Parts, snap.DetailTypes)
	}
	if p := snap.Processes[7]; p == nil || !p.Has(inspect.FieldStat|inspect.FieldNSpid|inspect.FieldCmdline|inspect.FieldCgroup) || p.UID != -1 {
		t.Errorf("process 7 read as %+v, want every field read and an unknown uid", p)
	}
}

func TestReadErrors(t *testing.T) {
	_, fixture := readFixture(t)
	tests := []struct {
		name, input, want string
	}{
		{"not JSON", "nsdive", "read snapshot: invalid character"},
		{"lsns -J output", `{"namespaces": []}`, `schema "", want "nsdive.snapshot/v1"`},
		{"another schema", `{"schema": "nsdive.snapshot/v2"}`, `schema "nsdive.snapshot/v2"`},
		{"bad time", `{"schema": "nsdive.snapshot/v1", "taken": "noon"}`, "taken: parsing time"},
		{"unknown type", strings.Replace(string(fixture), `"type": "uts"`, `"type": "hostname"`, 1), `namespace 4026531838: unknown namespace type "hostname"`},
		{"unknown holder", strings.Replace(string(fixture), `"kind": "fd"`, `"kind": "pipe"`, 1), `namespace 4026532300: unknown holder kind "pipe"`},
		{"namespace twice", strings.Replace(string(fixture), `"ns": 4026532401,`, `"ns": 4026532400,`, 1), "namespace 4026532400 is listed twice"},
		{"bad mount key", strings.Replace(string(fixture), `"4026531832": [`, `"mnt": [`, 1), `mounts: "mnt" is not a mount namespace inode`},
		{"truncated", string(fixture[:len(fixture)/2]), "read snapshot: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.input))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Read = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// FuzzRead checks that whatever Read accepts, Write writes, and that one
// write is already in the form Write keeps: read and written again, it
// gives the same bytes.
func FuzzRead(f *testing.F) {
	data, err := os.ReadFile("testdata/small-host.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"schema": "nsdive.snapshot/v1", "taken": "2026-01-02T03:04:05Z"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		var first, second bytes.Buffer
		if err := Write(&first, doc.Snapshot, doc.Namespaces, doc.UserName); err != nil {
			t.Fatalf("Write of what Read accepted: %v", err)
		}
		again, err := Read(bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatalf("Read of what Write wrote: %v\n%s", err, first.Bytes())
		}
		if err := Write(&second, again.Snapshot, again.Namespaces, again.UserName); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Errorf("not stable: %s", firstDifference(first.Bytes(), second.Bytes()))
		}
	})
}
