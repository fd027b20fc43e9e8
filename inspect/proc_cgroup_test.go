package inspect

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

func cgroupFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "cgroup", name+".cgroup"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseCgroup(t *testing.T) {
	const id = "4f797c539e6c745de61a93ca3ff892358ecbcaccd8414d5db545c38428142970"
	tests := []struct {
		file, want string
	}{
		// this host: v1 controllers, name=systemd and an unused v2
		// hierarchy; name=systemd wins over the memory controller's path.
		{"hybrid_host", "/"},
		{"cgroupns_host_view", "/nsdive/ns"},
		{"cgroupns_member_inside_view", "/"},
		// moved in cgroup2 and memory only: the "0::" line wins
		{"cgroupns_moved_host_view", "/nsdive/ns/sub"},
		{"cgroupns_outsider_inside_view", "/../.."},
		{"v2_docker", "/system.slice/docker-" + id + ".scope"},
		{"v2_deleted", "/user.slice/user-1000.slice/session-3.scope"},
		{"v2_colon", "/system.slice/odd:name.service"},
		{"v1_docker_systemd", "/system.slice/docker-" + id + ".scope"},
		// docker's cgroupfs driver on a hybrid host leaves the v2 line
		// at containerd's cgroup.
		{"hybrid_docker_cgroupfs", "/docker/" + id},
		// a hybrid host whose container scope exists only in cgroup2,
		// and a session that only cgroup2 places
		{"hybrid_v2_scope", "/machine.slice/libpod-" + id + ".scope"},
		{"hybrid_v2_session", "/user.slice/user-1000.slice/session-3.scope"},
		{"v1_no_systemd", "/lxc/web"},
		{"v1_all_root", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseCgroup(cgroupFile(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseCgroupErrors(t *testing.T) {
	checkParseErrors(t, "parseCgroup", parseCgroup, []parseErrorCase{
		{"empty", "", "empty"},
		{"one colon", "0:/\n", "line 1: no controllers"},
		{"no colon", "0::/\ngarbage\n", "line 2: no hierarchy id"},
		{"bad id", "x::/\n", "line 1: hierarchy id"},
		{"relative", "0::system.slice\n", "line 1: path \"system.slice\" is not absolute"},
		{"empty path", "1:cpu:\n", "line 1: path \"\" is not absolute"},
	})
}

func TestCgroupPathOf(t *testing.T) {
	data := cgroupFile(t, "cgroupns_moved_inside_view")
	for id, want := range map[uint64]string{0: "/sub", 4: "/sub", 9: "/"} {
		if got, err := cgroupPathOf(data, id); err != nil || string(got) != want {
			t.Errorf("hierarchy %d: got %q, %v; want %q", id, got, err, want)
		}
	}
	if _, err := cgroupPathOf(data, 10); err == nil {
		t.Error("hierarchy 10: no error")
	}
}

func TestCgroupNSRoot(t *testing.T) {
	tests := []struct {
		outside, inside, want string
		ok                    bool
	}{
		{"/nsdive/ns", "/", "/nsdive/ns", true},
		{"/nsdive/ns/sub", "/sub", "/nsdive/ns", true},
		{"/a/b/c", "/b/c", "/a", true},
		{"/sub", "/sub", "/", true},
		{"/", "/", "/", true},
		// the member sits outside its namespace's root
		{"/nsdive/sample", "/../sample", "", false},
		{"/nsdive", "/..", "", false},
		// the member moved between the two reads
		{"/nsdive/other", "/sub", "", false},
	}
	for _, tt := range tests {
		got, ok := cgroupNSRoot(tt.outside, tt.inside)
		if got != tt.want || ok != tt.ok {
			t.Errorf("cgroupNSRoot(%q, %q) = %q, %v; want %q, %v", tt.outside, tt.inside, got, ok, tt.want, tt.ok)
		}
	}
}

func TestReadCgroupSelf(t *testing.T) {
	got, err := readParsed("/proc/self/cgroup", parseCgroup)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "/") {
		t.Errorf("got %q, want an absolute path", got)
	}
	// The scanner's own cgroup namespace is rooted at "/" as it sees it.
	info, err := readCgroupInfo("/proc", os.Getpid())
	if err != nil || info.Root != "/" {
		t.Errorf("own namespace: got %+v, %v; want root /", info, err)
	}
}

func TestReadCgroupErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := readParsed(filepath.Join(dir, strconv.Itoa(1), "cgroup"), parseCgroup); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("readCgroup: error %v, want fs.ErrNotExist", err)
	}
	if _, err := readCgroupInfo(dir, 1); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("readCgroupInfo: error %v, want fs.ErrNotExist", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "4"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "4", "cgroup"), []byte("0::x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readParsed(filepath.Join(dir, strconv.Itoa(4), "cgroup"), parseCgroup); err == nil || !strings.Contains(err.Error(), "4/cgroup: parse cgroup line 1") {
		t.Errorf("readCgroup: error %v", err)
	}
	if _, err := readCgroupInfo(dir, 4); err == nil || !strings.Contains(err.Error(), "4/cgroup: parse cgroup line 1") {
		t.Errorf("readCgroupInfo: error %v", err)
	}
}

// TestReadCgroupInfoFixture reads a fixture tree, where joining the
// namespace fails: the root falls back to the member's own cgroup.
func TestReadCgroupInfoFixture(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "9", "ns"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "9", "cgroup"), cgroupFile(t, "cgroupns_host_view"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "9", "ns", "cgroup"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := readCgroupInfo(dir, 9)
	if err != nil || info.Root != "/nsdive/ns" {
		t.Errorf("got %+v, %v; want root /nsdive/ns", info, err)
	}
}

// TestReadCgroupInfoRoot makes a cgroup namespace rooted at a new cgroup,
// then moves its member below the root, and checks that the root is still
// found: read from the scanner, the member's path grows, but read from
// inside it grows the same.
func TestReadCgroupInfoRoot(t *testing.T) {
	nstest.RequireRoot(t)
	hierarchy := pickedHierarchy(t)
	name := nstest.Name
	root := filepath.Join(hierarchy, name)
	sub := nstest.MakeCgroup(t, hierarchy, filepath.Join(name, "sub"))
	pid := startProbe(t, "sh", "-c", "echo $$ > "+root+"/cgroup.procs && exec unshare --cgroup sleep 1000")
	probeUntil(t, func() bool { return commIs(pid, "sleep") }, "unshare to exec sleep")

	check := func(wantPath string) {
		t.Helper()
		if got, err := readParsed(filepath.Join("/proc", strconv.Itoa(pid), "cgroup"), parseCgroup); err != nil || got != wantPath {
			t.Errorf("readCgroup: got %q, %v; want %q", got, err, wantPath)
		}
		info, err := readCgroupInfo("/proc", pid)
		if err != nil || info.Root != "/"+name {
			t.Errorf("readCgroupInfo: got %+v, %v; want root /%s", info, err, name)
		}
	}
	check("/" + name)
	if err := os.WriteFile(filepath.Join(sub, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0); err != nil {
		t.Fatal(err)
	}
	check("/" + name + "/sub")
}

// pickedHierarchy returns the mount point of the cgroup hierarchy that
// parseCgroup reads on this host: the v2 one on a pure v2 host, else v1's
// name=systemd.
func pickedHierarchy(t *testing.T) string {
	t.Helper()
	self, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	e, err := pickCgroup(self)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case e.id == 0:
		return cgroup2Mount(t)
	case hasController(e.controllers, "name=systemd"):
		return "/sys/fs/cgroup/systemd"
	}
	t.Skipf("no test for hierarchy %d:%s of this host", e.id, e.controllers)
	return ""
}

// cgroup2Mount returns where the cgroup2 hierarchy is mounted: at
// /sys/fs/cgroup on a pure v2 host, /sys/fs/cgroup/unified on a hybrid one.
func cgroup2Mount(t *testing.T) string {
	t.Helper()
	mounts, err := readParsed("/proc/self/mountinfo", parseMountinfo)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mounts {
		if m.FSType == "cgroup2" {
			return m.MountPoint
		}
	}
	t.Fatal("no cgroup2 hierarchy is mounted")
	return ""
}

func FuzzParseCgroup(f *testing.F) {
	for _, name := range []string{"hybrid_host", "v2_deleted", "hybrid_docker_cgroupfs", "cgroupns_outsider_inside_view"} {
		f.Add(cgroupFile(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path, err := parseCgroup(data)
		if err != nil {
			return
		}
		if !strings.HasPrefix(path, "/") {
			t.Errorf("path %q is not absolute", path)
		}
		if c := containerFromCgroup(path); c != nil && (c.Engine == "" || c.ID == "") {
			t.Errorf("container %+v from %q", c, path)
		}
	})
}

// TestCgroupV2OnlyScopeRoot places a process in a podman-like scope that
// exists only in the cgroup2 hierarchy (on a hybrid host, v1's
// name=systemd line stays "/"), and checks that the scan finds its cgroup
// and its container there.
func TestCgroupV2OnlyScopeRoot(t *testing.T) {
	nstest.RequireRoot(t)
	v2 := cgroup2Mount(t)
	const id = "4f797c539e6c745de61a93ca3ff892358ecbcaccd8414d5db545c38428142970"
	scope := filepath.Join(nstest.Name, "libpod-"+id+".scope")
	nstest.MakeCgroup(t, v2, scope)
	procs := filepath.Join(v2, scope, "cgroup.procs")
	pid := startProbe(t, "sh", "-c", "echo $$ > "+procs+" && exec unshare --uts sleep 1000")
	probeUntil(t, func() bool { return commIs(pid, "sleep") }, "sh to join the scope and exec sleep")

	snap := mustScan(t, Options{Cgroups: true})
	p := snap.Processes[pid]
	if p == nil {
		t.Fatalf("pid %d missing from the scan", pid)
	}
	if p.Cgroup != "/"+scope {
		t.Errorf("cgroup of pid %d = %q, want %q", pid, p.Cgroup, "/"+scope)
	}
	if c := p.Container; c == nil || c.Engine != "podman" || c.ID != id[:12] {
		t.Errorf("container of pid %d = %+v, want podman %s", pid, c, id[:12])
	}
}
