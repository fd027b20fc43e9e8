package child

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

// output runs c to its end and returns what the command printed.
func output(t *testing.T, c Config) (string, error) {
	t.Helper()
	p, err := Command(c)
	if err != nil {
		t.Fatal(err)
	}
	var out, stderr bytes.Buffer
	p.Cmd.Stdout, p.Cmd.Stderr = &out, &stderr
	err = p.Finish(p.Cmd.Run())
	if stderr.Len() > 0 {
		t.Logf("stderr: %s", stderr.String())
	}
	return strings.TrimSpace(out.String()), err
}

func TestChildSetsUpBeforeTheCommand(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tc := range []struct {
		name string
		c    Config
		want string
	}{
		{"pid 1 with fork and a fresh proc",
			Config{Flags: unix.CLONE_NEWPID | unix.CLONE_NEWNS, Fork: true, MountProc: "/proc", Propagation: unix.MS_PRIVATE,
				Args: []string{"sh", "-c", "echo $$; cat /proc/1/comm"}},
			"1\nsh"},
		{"pid without fork: the command stays out, its children are in",
			Config{Flags: unix.CLONE_NEWPID, Args: []string{"sh", "-c", `[ $$ != 1 ] && sh -c 'echo $$'`}}, "1"},
		{"root in a user namespace", Config{Flags: unix.CLONE_NEWUSER, MapRootUser: true, Args: []string{"id", "-u"}}, "0"},
		{"hostname", Config{Flags: unix.CLONE_NEWUTS, Hostname: "nsdive-child-x", Args: []string{"hostname"}}, "nsdive-child-x"},
		{"time offsets fixed before the command enters",
			Config{Flags: unix.CLONE_NEWTIME, Monotonic: 86400, Boottime: 2 * 86400, Args: []string{"cat", "/proc/self/timens_offsets"}},
			"monotonic       86400         0\nboottime       172800         0"},
		{"private propagation", Config{Flags: unix.CLONE_NEWNS, Propagation: unix.MS_PRIVATE,
			Args: []string{"sh", "-c", "awk '$5 == \"/\" { print ($7 ~ /shared/) ? \"shared\" : \"private\" }' /proc/self/mountinfo"}}, "private"},
		{"unchanged propagation", Config{Flags: unix.CLONE_NEWNS,
			Args: []string{"sh", "-c", "awk '$5 == \"/\" { print ($7 ~ /shared/) ? \"shared\" : \"private\" }' /proc/self/mountinfo"}}, rootPropagation(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := output(t, tc.c)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("printed %q, want %q", got, tc.want)
			}
		})
	}
}

// rootPropagation is what the test's own / is, as the awk above prints it.
func rootPropagation(t *testing.T) string {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) > 6 && f[4] == "/" {
			if strings.Contains(f[6], "shared") {
				return "shared"
			}
			return "private"
		}
	}
	return "private"
}

func TestChildErrorsAreOneLine(t *testing.T) {
	nstest.RequireRoot(t)
	_, err := output(t, Config{Flags: unix.CLONE_NEWUTS, Args: []string{"nsdive-no-such-command"}})
	var e *Error
	if !errors.As(err, &e) || e.Status != 127 || e.Msg != "nsdive-no-such-command: command not found" {
		t.Fatalf("err = %#v, want status 127 and command not found", err)
	}
	_, err = output(t, Config{Flags: unix.CLONE_NEWNS, MountProc: "/nsdive-no-such-dir", Propagation: unix.MS_PRIVATE, Args: []string{"true"}})
	if !errors.As(err, &e) || e.Status != 1 || !strings.Contains(e.Msg, "mount proc at /nsdive-no-such-dir") {
		t.Fatalf("err = %v, want the proc mount's failure", err)
	}
}

func TestReadyStopsTheChild(t *testing.T) {
	nstest.RequireRoot(t)
	var got map[int]*os.File
	var types []int
	refusal := errors.New("refused")
	undone := false
	_, err := output(t, Config{Flags: unix.CLONE_NEWNET | unix.CLONE_NEWPID, Fork: true, Hand: unix.CLONE_NEWNET | unix.CLONE_NEWPID,
		Args: []string{"sh", "-c", "echo ran"},
		Ready: func(ns map[int]*os.File) (func() error, error) {
			got = ns
			for flag := range ns {
				types = append(types, flag)
			}
			return func() error { undone = true; return nil }, refusal
		}})
	if !errors.Is(err, refusal) {
		t.Fatalf("err = %v, want Ready's", err)
	}
	if len(got) != 2 || got[unix.CLONE_NEWNET] == nil || got[unix.CLONE_NEWPID] == nil {
		t.Errorf("Ready got namespaces %v, want net and pid", types)
	}
	if undone {
		t.Error("undo ran though Ready failed itself")
	}
}

func TestInitReapsAndEndsOnSIGTERM(t *testing.T) {
	nstest.RequireRoot(t)
	all := unix.CLONE_NEWPID | unix.CLONE_NEWNS | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWNET |
		unix.CLONE_NEWCGROUP | unix.CLONE_NEWTIME | unix.CLONE_NEWUSER
	idMap := []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
	p, err := Command(Config{Flags: all, Fork: true, MountProc: "/proc", Propagation: unix.MS_PRIVATE,
		UIDMappings: idMap, GIDMappings: idMap, Hostname: "nsdive-test-init", Monotonic: 3600,
		InitName: "nsdive-test-init"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Cmd.Start(); err != nil {
		t.Fatal(p.Finish(err))
	}
	pid := p.Cmd.Process.Pid
	t.Cleanup(func() { unix.Kill(pid, unix.SIGKILL) })
	if err := p.Started(); err != nil {
		t.Fatal(err)
	}
	if cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); !bytes.HasPrefix(cmdline, []byte("nsdive-test-init\x00")) {
		t.Errorf("the init's command line is %q", cmdline)
	}
	for _, link := range []string{"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"} {
		own, _ := os.Readlink("/proc/self/ns/" + link)
		if its, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, link)); err != nil || its == own {
			t.Errorf("the init's %s namespace is %s (%v), this test's %s", link, its, err, own)
		}
	}
	if offsets, _ := os.ReadFile(fmt.Sprintf("/proc/%d/timens_offsets", pid)); !strings.HasPrefix(string(offsets), "monotonic        3600") {
		t.Errorf("the init's time offsets: %q", offsets)
	}
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if !strings.Contains(string(status), fmt.Sprintf("\nNSpid:\t%d\t1\n", pid)) {
		t.Errorf("the init is not pid 1 of its namespace:\n%s", status)
	}
	// An orphan in the namespace is the init's to reap.
	nstest.Run(t, "nsenter", "-t", fmt.Sprint(pid), "--pid", "--", "sh", "-c", "sleep 0.01 & exit 0")
	if !nstest.Poll(func() bool { return len(childrenOf(pid)) == 0 }) {
		t.Errorf("the init left children %v", childrenOf(pid))
	}
	unix.Kill(pid, unix.SIGTERM)
	if err := p.Finish(p.Cmd.Wait()); err != nil {
		t.Errorf("the init ended with %v, want status 0 on SIGTERM", err)
	}
}

func TestChildMapsARangeAndEntersACgroup(t *testing.T) {
	nstest.RequireRoot(t)
	got, err := output(t, Config{Flags: unix.CLONE_NEWUSER,
		UIDMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}},
		GIDMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}},
		Args:        []string{"sh", "-c", "id -u; cat /proc/self/uid_map /proc/self/setgroups"}})
	if err != nil {
		t.Fatal(err)
	}
	if fields := strings.Fields(got); strings.Join(fields, " ") != "0 0 100000 65536 allow" {
		t.Errorf("printed %q, want root mapped to 100000-165535 and setgroups allowed", got)
	}

	hierarchy := cgroup2Mount(t)
	dir := nstest.MakeCgroup(t, hierarchy, nstest.Name+"-child/own")
	fd, err := unix.Open(dir, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	got, err = output(t, Config{Flags: unix.CLONE_NEWCGROUP, CgroupFD: fd, Args: []string{"grep", "^0::", "/proc/self/cgroup"}})
	if err != nil {
		t.Fatal(err)
	}
	if got != "0::/" {
		t.Errorf("/proc/self/cgroup says %q, want its own cgroup as the namespace's root, 0::/", got)
	}
	procs, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if len(procs) != 0 {
		t.Errorf("%s still holds %q", dir, procs)
	}
}

// cgroup2Mount returns where the cgroup v2 hierarchy is mounted.
func cgroup2Mount(t *testing.T) string {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if _, after, ok := strings.Cut(line, " - "); ok && strings.HasPrefix(after, "cgroup2 ") {
			return strings.Fields(line)[4]
		}
	}
	t.Skip("no cgroup v2 hierarchy is mounted")
	return ""
}

// childrenOf lists the processes, zombies included, whose parent is pid.
func childrenOf(pid int) []string {
	var out []string
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, name := range stats {
		data, _ := os.ReadFile(name)
		i := bytes.LastIndexByte(data, ')')
		if f := strings.Fields(string(data[i+1:])); i > 0 && len(f) > 1 && f[1] == fmt.Sprint(pid) {
			out = append(out, name+" "+f[0])
		}
	}
	return out
}

func TestTheCommandInheritsNothingOfTheProtocol(t *testing.T) {
	nstest.RequireRoot(t)
	got, err := output(t, Config{Flags: unix.CLONE_NEWUTS,
		Args: []string{"sh", "-c", "env | grep -c " + marker + "; for f in /proc/$$/fd/*; do readlink $f; done"}})
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	count, fds, _ := strings.Cut(got, "\n")
	if count != "0" || strings.Contains(fds, "nsdive-child") || strings.Contains(fds, "socket:") {
		t.Errorf("printed %q, want no %s and neither the request nor the socket among the descriptors", got, marker)
	}
}

func TestTheEntryNeedsItsRequest(t *testing.T) {
	for _, env := range []string{"", marker + "=0:" + strings.Repeat("0", 32), marker + "=1:" + strings.Repeat("0", 32)} {
		cmd := exec.Command("/proc/self/exe", ArgChild)
		cmd.Env = append(os.Environ(), env)
		out, err := cmd.CombinedOutput()
		if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 || !strings.Contains(string(out), "is internal to nsdive unshare") {
			t.Errorf("with %q: %v, %q; want status 1 and that the entry is internal", env, err, out)
		}
	}
}
