package inspect

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// cmdlineArgs splits a captured /proc/PID/cmdline as readCmdlineAt does.
func cmdlineArgs(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "containers", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
}

func TestConmonContainer(t *testing.T) {
	const id = "eeb4a69692ea1f79aa196871d24e4327013f02d23911ca68236890fe929ab924"
	tests := []struct {
		name      string
		args      []string
		id, cname string
	}{
		{"captured", cmdlineArgs(t, "conmon.cmdline"), id, "pa"},
		{"long options", []string{"conmon", "--cid", id, "--name", "web"}, id, "web"},
		{"inline values", []string{"conmon", "--cid=" + id, "--name=web"}, id, "web"},
		{"name before id", []string{"conmon", "-n", "web", "-u", id, "-c", id}, id, "web"},
		{"no id", []string{"conmon", "-n", "web"}, "", ""},
		{"short id", []string{"conmon", "-c", id[:12], "-n", "web"}, "", ""},
		{"dangling option", []string{"conmon", "-c", id, "-n"}, id, ""},
		{"empty", nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotID, gotName := conmonContainer(tt.args)
			if gotID != tt.id || gotName != tt.cname {
				t.Errorf("conmonContainer(%q) = %q, %q; want %q, %q", tt.args, gotID, gotName, tt.id, tt.cname)
			}
		})
	}
}

func TestDockerDataRoot(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"captured", cmdlineArgs(t, "dockerd.cmdline"), "/tmp/ctrial/dk-data"},
		{"default", []string{"/usr/sbin/dockerd", "-H", "fd://"}, defaultDockerRoot},
		{"inline", []string{"dockerd", "--data-root=/srv/docker"}, "/srv/docker"},
		{"graph", []string{"dockerd", "-g", "/srv/old"}, "/srv/old"},
		{"last wins", []string{"dockerd", "--data-root", "/a", "--data-root", "/b"}, "/b"},
		{"relative ignored", []string{"dockerd", "--data-root", "rel"}, defaultDockerRoot},
		{"dangling", []string{"dockerd", "--data-root"}, defaultDockerRoot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dockerDataRoot(tt.args); got != tt.want {
				t.Errorf("dockerDataRoot(%q) = %q, want %q", tt.args, got, tt.want)
			}
		})
	}
}

func TestParseDockerConfigName(t *testing.T) {
	data, err := os.ReadFile("testdata/containers/docker_config.v2.json")
	if err != nil {
		t.Fatal(err)
	}
	if name, err := parseDockerConfigName(data); err != nil || name != "web" {
		t.Errorf("parseDockerConfigName(captured) = %q, %v; want web", name, err)
	}
	for _, bad := range []string{"", "{", `{"Name":""}`, `{"Name":"/"}`, `[]`} {
		if name, err := parseDockerConfigName([]byte(bad)); err == nil {
			t.Errorf("parseDockerConfigName(%q) = %q, want an error", bad, name)
		}
	}
}

func FuzzEngineArgs(f *testing.F) {
	f.Add([]byte("conmon\x00-c\x00eeb4a69692ea1f79aa196871d24e4327013f02d23911ca68236890fe929ab924\x00-n\x00pa"))
	f.Add([]byte("dockerd\x00--data-root=/x\x00-g"))
	f.Fuzz(func(t *testing.T, data []byte) {
		args := strings.Split(string(data), "\x00")
		if id, name := conmonContainer(args); id != "" && !isContainerID(id) || id == "" && name != "" {
			t.Errorf("conmonContainer(%q) = %q, %q", args, id, name)
		}
		if root := dockerDataRoot(args); !strings.HasPrefix(root, "/") {
			t.Errorf("dockerDataRoot(%q) = %q, not absolute", args, root)
		}
		parseDockerConfigName(data)
	})
}

// TestNameContainers names a docker and a podman container from a fixture
// /proc: a dockerd with its data root under its /proc/PID/root, and a
// conmon with the podman container's id and name.
func TestNameContainers(t *testing.T) {
	const (
		dockerID = "846466381fc88b57e5d320e1fdaccd8beb144c049e5b88a5313abb138216d5fc"
		podmanID = "eeb4a69692ea1f79aa196871d24e4327013f02d23911ca68236890fe929ab924"
		otherID  = "728096ead67d030e8e4c94c208fc4c9e09812469b23fa81c2a37479bd3d61fb1"
	)
	root := t.TempDir()
	config, err := os.ReadFile("testdata/containers/docker_config.v2.json")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"100/comm":    "dockerd\n",
		"100/cmdline": "dockerd\x00--data-root\x00/srv/docker\x00",
		"100/root/srv/docker/containers/" + dockerID + "/config.v2.json": string(config),
		"200/comm":    "conmon\n",
		"200/cmdline": "/usr/bin/conmon\x00-c\x00" + podmanID + "\x00-n\x00pa\x00",
	}
	for name, content := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	docker := containerFromCgroup("/docker/" + dockerID)
	podman := containerFromCgroup("/libpod_parent/libpod-" + podmanID)
	unnamed := containerFromCgroup("/docker/" + otherID)
	snap := &Snapshot{ProcRoot: root, Processes: map[int]*Process{
		100: {PID: 100, TGID: 100},
		200: {PID: 200, TGID: 200},
		300: {PID: 300, TGID: 300, Container: docker},
		400: {PID: 400, TGID: 400, Container: podman},
		500: {PID: 500, TGID: 500, Container: unnamed},
	}}
	nameContainers(snap)
	for _, tt := range []struct {
		c    *Container
		want string
	}{{docker, "docker:web 846466381fc8"}, {podman, "podman:pa eeb4a69692ea"}, {unnamed, "docker:728096ead67d"}} {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("container %s named %q, want %q", tt.c.fullID, got, tt.want)
		}
	}
}

// TestAttachContainersShared gives a namespace that several containers
// share all of them, and one container's own namespace that container.
func TestAttachContainersShared(t *testing.T) {
	web := &Container{Engine: "docker", ID: "846466381fc8", Name: "web"}
	side := &Container{Engine: "docker", ID: "ea93f99214d0", Name: "side"}
	shared := &Namespace{ID: NamespaceID{1, 10}, Type: Net, Processes: []*Process{
		{PID: 10, TGID: 10, Container: web}, {PID: 11, TGID: 11, Container: side},
		{PID: 12, TGID: 12, Container: &Container{Engine: "docker", ID: "846466381fc8", Name: "web"}},
	}}
	own := &Namespace{ID: NamespaceID{1, 11}, Type: Mnt, Processes: []*Process{{PID: 10, TGID: 10, Container: web}}}
	snap := &Snapshot{Namespaces: map[NamespaceID]*Namespace{shared.ID: shared, own.ID: own}}
	attachContainers(snap)
	if shared.Container != nil || len(shared.Containers) != 2 || shared.Containers[0] != side || shared.Containers[1].Name != "web" {
		t.Errorf("shared namespace: Container %v, Containers %v; want nil and [side web]", shared.Container, shared.Containers)
	}
	if own.Container != web || len(own.Containers) != 1 {
		t.Errorf("own namespace: Container %v, Containers %v; want web alone", own.Container, own.Containers)
	}
}

// BenchmarkNameContainers names one docker container on a fixture /proc of
// 5,000 processes scanned lazily, the case where every command name is
// read: list -o +CONTAINER on a busy docker host.
func BenchmarkNameContainers(b *testing.B) {
	const id = "846466381fc88b57e5d320e1fdaccd8beb144c049e5b88a5313abb138216d5fc"
	root := b.TempDir()
	config, err := os.ReadFile("testdata/containers/docker_config.v2.json")
	if err != nil {
		b.Fatal(err)
	}
	procs := make(map[int]*Process)
	for pid := 1; pid <= 5000; pid++ {
		dir := filepath.Join(root, strconv.Itoa(pid))
		comm, cmdline := "sleep\n", "sleep\x00100\x00"
		if pid == 100 {
			comm, cmdline = "dockerd\n", "dockerd\x00"
			cdir := filepath.Join(dir, "root", defaultDockerRoot, "containers", id)
			if err := os.MkdirAll(cdir, 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(cdir, "config.v2.json"), config, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for name, content := range map[string]string{"comm": comm, "cmdline": cmdline} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		procs[pid] = &Process{PID: pid, TGID: pid}
	}
	c := containerFromCgroup("/docker/" + id)
	procs[4000].Container = c
	snap := &Snapshot{ProcRoot: root, Processes: procs}
	b.ReportAllocs()
	for b.Loop() {
		c.Name = ""
		nameContainers(snap)
		if c.Name != "web" {
			b.Fatalf("named %q", c.Name)
		}
	}
}
