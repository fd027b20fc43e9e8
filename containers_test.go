package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// realContainer is a container the test ran, as its engine describes it.
type realContainer struct {
	engine, name, id string // id is the whole id
	pid              int    // its first process, in the test's pid namespace
	sandbox          string // docker's netns bind mount; "" for podman
	bridge           string // the bridge its eth0's host end is on; "" without one
}

// label is how nsdive's CONTAINER column names the container.
func (c *realContainer) label() string { return c.engine + ":" + c.name + " " + c.id[:12] }

// TestRealContainers runs containers with docker and podman as the issue's
// review did (a bridge network, --network container:, --network none,
// --pid host, --cgroupns private, a podman pod, podman --uidmap) and
// checks that list, ps -J and list --json --details name each
// container's namespaces, shared ones included; that each eth0's peer is
// the right host veth with the bridge as master; and that docker's netns
// bind mounts are listed with their holders; and that enter enters
// containers by name.
func TestRealContainers(t *testing.T) {
	nstest.RequireRoot(t)
	e := startEngines(t)
	tar := busyboxTar(t, e.dir)
	image := e.prefix + "-busybox:1"
	e.run(append(e.docker, "import", tar, image)...)
	e.run(append(e.podman, "import", tar, "localhost/"+image)...)
	// A pod's infra container needs a pause image; catatonit is not
	// installed, so busybox's sleep stands in.
	pause := "localhost/" + e.prefix + "-pause:1"
	e.run(append(e.podman, "import", "--change", `ENTRYPOINT ["/bin/sleep","1000000"]`, tar, pause)...)
	e.createPodmanNetwork()

	var ctrs []*realContainer
	dockerRun := func(name string, args ...string) {
		t.Helper()
		name = e.prefix + "-" + name
		e.run(append(append(append(e.docker, "run", "--detach", "--name", name), args...), image, "sleep", "100000")...)
		c := &realContainer{engine: "docker", name: name}
		e.inspect(c, append(e.docker, "inspect", "--format", "{{.State.Pid}} {{.Id}} {{.NetworkSettings.SandboxKey}}", name))
		if !slices.Contains(args, "--network") {
			c.bridge = e.bridge
		}
		ctrs = append(ctrs, c)
	}
	dockerRun("web")
	dockerRun("side", "--network", "container:"+e.prefix+"-web")
	dockerRun("lone", "--network", "none")
	dockerRun("hostpid", "--pid", "host")
	dockerRun("cgns", "--cgroupns", "private")

	podmanRun := func(name string, args ...string) *realContainer {
		t.Helper()
		c := &realContainer{engine: "podman", name: name}
		if name != "" {
			c.name = e.prefix + "-" + name
			e.run(append(append(append(e.podman, "run", "--detach", "--name", c.name), args...), "localhost/"+image, "sleep", "100000")...)
		}
		return c
	}
	pod := e.prefix + "-pod"
	e.run(append(e.podman, "pod", "create", "--name", pod, "--infra-image", pause, "--network", e.podNet)...)
	pa := podmanRun("pa", "--pod", pod)
	pb := podmanRun("pb", "--pod", pod)
	pu := podmanRun("pu", "--network", e.podNet, "--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536")
	pu.bridge = e.podBr
	infra := &realContainer{engine: "podman", name: e.run(append(e.podman, "pod", "inspect", "--format", "{{.InfraContainerID}}", pod)...), bridge: e.podBr}
	for _, c := range []*realContainer{pa, pb, pu, infra} {
		e.inspect(c, append(e.podman, "inspect", "--format", "{{.State.Pid}} {{.Id}} {{.Name}}", c.name))
		ctrs = append(ctrs, c)
	}

	// What the kernel says: which containers are in each namespace that
	// is not the test's own.
	expect := make(map[uint64][]*realContainer)
	for _, c := range ctrs {
		for _, typ := range nstest.Types {
			id := nstest.IDOf(c.pid, typ)
			if id.IsZero() {
				t.Fatalf("cannot read %s namespace of %s (pid %d)", typ, c.name, c.pid)
			}
			if id != nstest.IDOf(os.Getpid(), typ) {
				expect[id.Ino] = append(expect[id.Ino], c)
			}
		}
	}
	if len(expect[nstest.IDOf(pa.pid, "net").Ino]) != 3 || len(expect[nstest.IDOf(ctrs[0].pid, "net").Ino]) != 2 {
		t.Fatalf("the pod's or docker's shared network namespace is not shared: %v", expect)
	}
	checkListContainers(t, ctrs, expect)
	checkPSContainers(t, ctrs)
	checkDetailsContainers(t, ctrs, expect)
	checkEnterContainers(t, ctrs)
}

// inspect fills c from "PID ID THIRD" printed by an engine's inspect
// command: THIRD is docker's SandboxKey, or podman's name.
func (e *engines) inspect(c *realContainer, args []string) {
	e.t.Helper()
	f := strings.Fields(e.run(args...))
	if len(f) < 2 {
		e.t.Fatalf("%s printed %q", strings.Join(args, " "), f)
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil || pid <= 0 {
		e.t.Fatalf("%s: no pid in %q", strings.Join(args, " "), f)
	}
	c.pid, c.id = pid, f[1]
	if len(f) > 2 && c.engine == "docker" {
		c.sandbox = f[2]
	} else if len(f) > 2 {
		c.name = f[2]
	}
}

// busyboxTar makes a root filesystem of busybox-static and its sleep and
// sh, as a tar file for docker import and podman import.
func busyboxTar(t *testing.T, dir string) string {
	t.Helper()
	busybox, err := exec.LookPath("busybox")
	if err != nil {
		t.Fatal(err)
	}
	rootfs := filepath.Join(dir, "rootfs")
	if err := os.MkdirAll(filepath.Join(rootfs, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	nstest.Run(t, "cp", busybox, filepath.Join(rootfs, "bin", "busybox"))
	for _, applet := range []string{"sh", "sleep"} {
		if err := os.Symlink("busybox", filepath.Join(rootfs, "bin", applet)); err != nil {
			t.Fatal(err)
		}
	}
	tar := filepath.Join(dir, "rootfs.tar")
	nstest.Run(t, "tar", "-C", rootfs, "-cf", tar, ".")
	return tar
}

// labels lists the containers as nsdive names them, sorted.
func labels(cs []*realContainer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.label()
	}
	slices.Sort(out)
	return out
}

// checkListContainers checks list's CONTAINER column, as JSON and as a
// table: each namespace names every container in it; and its NSFS
// column: docker's network namespaces show their netns bind mount.
func checkListContainers(t *testing.T, ctrs []*realContainer, expect map[uint64][]*realContainer) {
	var got struct {
		Namespaces []struct {
			NS        uint64  `json:"ns"`
			NSFS      *string `json:"nsfs"`
			Container *string `json:"container"`
		} `json:"namespaces"`
	}
	nsdiveJSON(t, &got, "list", "--list", "--json", "-o", "NS,TYPE,NSFS,CONTAINER")
	cells := make(map[uint64]string)
	nsfs := make(map[uint64]string)
	for _, ns := range got.Namespaces {
		if ns.Container != nil {
			cells[ns.NS] = *ns.Container
		}
		if ns.NSFS != nil {
			nsfs[ns.NS] = *ns.NSFS
		}
	}
	for _, c := range ctrs {
		net := nstest.IDOf(c.pid, "net").Ino
		if c.sandbox != "" && !slices.Contains(strings.Split(nsfs[net], "\n"), c.sandbox) {
			t.Errorf("list: %s's network namespace %d has NSFS %q, want %s", c.name, net, nsfs[net], c.sandbox)
		}
	}
	for ino, cs := range expect {
		var have []string
		if cells[ino] != "" {
			have = strings.Split(cells[ino], ",")
			slices.Sort(have)
		}
		if want := labels(cs); !slices.Equal(have, want) {
			t.Errorf("list: namespace %d has CONTAINER %q, want %q", ino, cells[ino], strings.Join(want, ","))
		}
	}
	stdout, stderr, code := runNsdive(t, "list", "-o", "NS,CONTAINER")
	if code != 0 {
		t.Fatalf("nsdive list -o NS,CONTAINER: status %d: %s", code, stderr)
	}
	for ino, cs := range expect {
		prefix := strconv.FormatUint(ino, 10) + " "
		found := false
		for _, line := range strings.Split(string(stdout), "\n") {
			if line = strings.TrimSpace(line); strings.HasPrefix(line, prefix) {
				found = true
				for _, l := range labels(cs) {
					if !strings.Contains(line, l) {
						t.Errorf("list table: %q does not name %s", line, l)
					}
				}
			}
		}
		if !found {
			t.Errorf("list table has no row for namespace %d", ino)
		}
	}
}

// checkPSContainers checks that ps -J gives each container's process its
// cgroup and container.
func checkPSContainers(t *testing.T, ctrs []*realContainer) {
	type process struct {
		PID       int            `json:"pid"`
		Cgroup    string         `json:"cgroup"`
		Container *jsonContainer `json:"container"`
	}
	var got struct {
		Processes []process `json:"processes"`
	}
	nsdiveJSON(t, &got, "ps", "-J")
	for _, c := range ctrs {
		i := slices.IndexFunc(got.Processes, func(p process) bool { return p.PID == c.pid })
		if i < 0 {
			t.Errorf("ps -J: no process %d (%s)", c.pid, c.name)
			continue
		}
		p := got.Processes[i]
		if !strings.Contains(p.Cgroup, c.id) {
			t.Errorf("ps -J: process %d (%s) has cgroup %q, want one with %s", c.pid, c.name, p.Cgroup, c.id)
		}
		if p.Container == nil || p.Container.Engine != c.engine || p.Container.ID != c.id[:12] || p.Container.Name != c.name {
			t.Errorf("ps -J: process %d has container %+v, want %s", c.pid, p.Container, c.label())
		}
	}
}
