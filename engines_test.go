package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nsdive/nsdive/internal/nstest"
)

// These helpers run real docker and podman for containers_test.go. No
// init system starts daemons and no registry is reachable here, so the
// test starts its own containerd and dockerd, with every socket, data and
// state directory under its temporary directory so that a developer's
// docker or a concurrent run is not disturbed, and imports a busybox
// root filesystem as its image. What the engines change outside those
// directories (a bridge, nftables tables, net.ipv4.ip_forward, a few
// directories) is put back as it was found.

// engineTools are the programs the test needs, from Debian's docker.io,
// podman and busybox-static.
var engineTools = []string{"containerd", "dockerd", "podman", "runc", "conmon", "busybox"}

// engineLeftovers are paths the engines create outside their private
// directories; each is removed after the test unless it existed before.
var engineLeftovers = []string{
	"/etc/docker/key.json", // dockerd's identity
	"/run/docker",          // dockerd's plugin socket directory
	"/run/containerd",      // containerd's shim sockets (/run/containerd/s)
	"/run/containers",      // netavark's state
	"/var/lib/containers",  // podman's blob cache
	"/opt/containerd",
}

// engines is a private docker and podman for one test.
type engines struct {
	t      *testing.T
	dir    string
	prefix string // starts every name the test gives: containers, images, links
	docker []string
	podman []string
	bridge string // docker's bridge
	podNet string // podman's network
	podBr  string // its bridge
	env    []string
}

// run runs args with a timeout and returns standard output; it
// fails the test with standard error when the command fails.
func (e *engines) run(args ...string) string {
	e.t.Helper()
	out, err := e.try(args...)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// try runs args with a timeout and returns standard output, or an error
// with standard error.
func (e *engines) try(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = e.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(stdout.String()), nil
}

// startEngines finds the tools, records the host's state, starts
// containerd and dockerd and configures podman; t.Cleanup removes every
// container, image, network, daemon, mount and link they made and puts
// the host back.
func startEngines(t *testing.T) *engines {
	var missing []string
	for _, tool := range engineTools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		msg := "needs " + strings.Join(missing, ", ") + ": apt-get install docker.io podman busybox-static (.ci/run does)"
		if os.Getenv("NSDIVE_REQUIRE_ROOT") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if out, err := exec.Command("pgrep", "-x", "dockerd").Output(); err == nil {
		t.Logf("a dockerd is running already (pid %s); this test starts its own beside it", strings.Fields(string(out))[0])
	}
	n := strconv.Itoa(os.Getpid() % 1000000)
	// Unix socket paths are short (108 bytes): not t.TempDir's long name.
	dir, err := os.MkdirTemp("", "nsdt")
	if err != nil {
		t.Fatal(err)
	}
	e := &engines{t: t, dir: dir, prefix: "nsdt" + n, bridge: "nsdtbr" + n,
		podNet: "nsdt" + n, podBr: "nsdtpm" + n}
	e.env = append(os.Environ(), nstest.Marker, "CONTAINERS_CONF="+filepath.Join(dir, "containers.conf"))
	// Runs of this test from several worktrees at once would each record
	// the host as another left it mid-run, and restore that.
	lockEngines(t)
	// docker0 and podman0 are the engines' default bridges: neither
	// should appear, but if one does it goes.
	restore := saveHostState(t, []string{e.bridge, e.podBr, "docker0", "podman0", "cni-podman0"})
	var daemons []*exec.Cmd
	t.Cleanup(func() {
		e.removeAll()
		for i := len(daemons) - 1; i >= 0; i-- {
			stopDaemon(t, daemons[i])
		}
		unmountUnder(t, dir)
		// EBUSY here too means a copy of a mount in another test's
		// mount namespace (see retryBusy).
		if !nstest.Poll(func() bool { return os.RemoveAll(dir) == nil }) {
			t.Errorf("remove %s: %v", dir, os.RemoveAll(dir))
		}
		restore()
	})

	e.writeFile("containerd.toml", fmt.Sprintf(`version = 2
root = "%[1]s/containerd"
state = "%[1]s/containerd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "%[1]s/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "%[1]s/opt"
`, dir))
	e.writeFile("daemon.json", "{}")
	e.writeFile("containers.conf", fmt.Sprintf(`[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "%[1]s/podman-tmp"
[network]
network_config_dir = "%[1]s/podman-net"
`, dir))

	// docker gets a bridge of its own instead of making docker0.
	nstest.Run(t, "ip", "link", "add", e.bridge, "type", "bridge")
	nstest.Run(t, "ip", "addr", "add", fmt.Sprintf("10.213.%d.1/24", os.Getpid()%250), "dev", e.bridge)
	nstest.Run(t, "ip", "link", "set", e.bridge, "up")

	daemons = append(daemons, e.startDaemon("containerd", "--config", filepath.Join(dir, "containerd.toml")))
	waitForSocket(t, filepath.Join(dir, "containerd.sock"))
	daemons = append(daemons, e.startDaemon("dockerd",
		"--containerd="+filepath.Join(dir, "containerd.sock"),
		"--config-file", filepath.Join(dir, "daemon.json"),
		"--data-root", filepath.Join(dir, "docker"),
		"--exec-root", filepath.Join(dir, "docker-exec"),
		"--pidfile", filepath.Join(dir, "docker.pid"),
		"-H", "unix://"+filepath.Join(dir, "docker.sock"),
		"--bridge", e.bridge, "--iptables=false", "--ip-forward=false", "--ip-masq=false"))
	e.docker = []string{dockerCLI(), "-H", "unix://" + filepath.Join(dir, "docker.sock")}
	e.podman = []string{"podman", "--root", filepath.Join(dir, "podman"), "--runroot", filepath.Join(dir, "podman-run"),
		"--storage-driver", "overlay"}
	if !nstest.Poll(func() bool { _, err := e.try(append(e.docker, "version")...); return err == nil }) {
		// dockerd can take longer than Poll's ten seconds on a busy host.
		time.Sleep(20 * time.Second)
		e.run(append(e.docker, "version")...)
	}
	return e
}

// createPodmanNetwork writes a podman network whose bridge has the test's
// name: podman 4.3's network create cannot name the bridge, and would
// pick podman1 in every concurrent run.
func (e *engines) createPodmanNetwork() {
	subnet := os.Getpid() % 250
	dir := filepath.Join(e.dir, "podman-net")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		e.t.Fatal(err)
	}
	e.writeFile(filepath.Join("podman-net", e.podNet+".json"), fmt.Sprintf(`{
  "name": %q,
  "id": "%064x",
  "driver": "bridge",
  "network_interface": %q,
  "subnets": [{"subnet": "10.214.%d.0/24", "gateway": "10.214.%d.1"}],
  "ipv6_enabled": false,
  "internal": false,
  "dns_enabled": false,
  "ipam_options": {"driver": "host-local"}
}
`, e.podNet, os.Getpid(), e.podBr, subnet, subnet))
}

// dockerCLI prefers the docker client packaged with dockerd to another
// one earlier in PATH, which may be too new for this daemon.
func dockerCLI() string {
	if _, err := os.Stat("/usr/bin/docker"); err == nil {
		return "/usr/bin/docker"
	}
	return "docker"
}

func (e *engines) writeFile(name, content string) {
	if err := os.WriteFile(filepath.Join(e.dir, name), []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// startDaemon starts a daemon with its output in the test's directory.
func (e *engines) startDaemon(name string, args ...string) *exec.Cmd {
	log, err := os.Create(filepath.Join(e.dir, name+".log"))
	if err != nil {
		e.t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(name, args...)
	cmd.Env = e.env
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		e.t.Fatalf("start %s: %v", name, err)
	}
	return cmd
}

// stopDaemon asks a daemon to stop and kills it if it has not within
// thirty seconds.
func stopDaemon(t *testing.T, cmd *exec.Cmd) {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Errorf("%s did not stop within 30s of SIGTERM; killing it", cmd.Path)
		cmd.Process.Kill()
		<-done
	}
}

func waitForSocket(t *testing.T, path string) {
	t.Helper()
	if !nstest.Poll(func() bool { _, err := os.Stat(path); return err == nil }) {
		t.Fatalf("%s did not appear", path)
	}
}

// removeAll removes every container, pod, network and image the test's
// engines hold: they are all the test's, the engines being private.
func (e *engines) removeAll() {
	if e.podman != nil {
		for _, args := range [][]string{
			{"pod", "rm", "--force", "--all"}, {"rm", "--force", "--all", "--time", "0"},
			{"network", "rm", "--force", e.podNet}, {"rmi", "--all", "--force"},
		} {
			if err := e.retryBusy(append(e.podman, args...)); err != nil && !strings.Contains(err.Error(), "network not found") {
				e.t.Errorf("cleanup: %v", err)
			}
		}
	}
	if e.docker != nil {
		if ids, err := e.try(append(e.docker, "ps", "--all", "--quiet")...); err == nil && ids != "" {
			if err := e.retryBusy(append(append(e.docker, "rm", "--force"), strings.Fields(ids)...)); err != nil {
				e.t.Errorf("cleanup: %v", err)
			}
		}
		if ids, err := e.try(append(e.docker, "images", "--quiet")...); err == nil && ids != "" {
			if err := e.retryBusy(append(append(e.docker, "rmi", "--force"), strings.Fields(ids)...)); err != nil {
				e.t.Errorf("cleanup: %v", err)
			}
		}
	}
}

// retryBusy runs a removal until it does not fail with EBUSY, for up to a
// minute. On a busy host another test's new mount namespace may copy a
// container's mounts (its shm, its root) while it runs; the engine cannot
// remove their mount points until that namespace ends.
func (e *engines) retryBusy(args []string) error {
	var err error
	for range 20 {
		if _, err = e.try(args...); err == nil || !strings.Contains(err.Error(), "busy") {
			return err
		}
		time.Sleep(3 * time.Second)
	}
	return err
}
