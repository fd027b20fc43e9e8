package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Owner names what one run of a program makes, so that the run can find
// and remove it afterwards, and leave alone what other runs made.
type Owner struct {
	// Name starts the name of every network namespace, file and mount
	// the run creates.
	Name string
	// Marker, an environment entry KEY=VALUE, is in the environment of
	// every process the run starts.
	Marker string
}

// NewOwner returns the Owner for this process: Name is prefix-PID and
// Marker is key=PID, so that runs that overlap do not clash.
func NewOwner(prefix, key string) Owner {
	pid := strconv.Itoa(os.Getpid())
	return Owner{Name: prefix + "-" + pid, Marker: key + "=" + pid}
}

// Leftovers lists what the owner made that still exists: network
// namespaces under /run/netns, mounts (in the caller's mount namespace)
// and top-level cgroups whose names contain Name, and processes that
// carry Marker.
func (o Owner) Leftovers() []string {
	var left []string
	entries, _ := os.ReadDir("/run/netns")
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), o.Name) {
			left = append(left, "/run/netns/"+e.Name())
		}
	}
	mountinfo, _ := os.ReadFile("/proc/self/mountinfo")
	for line := range strings.Lines(string(mountinfo)) {
		if strings.Contains(line, o.Name) {
			left = append(left, "mount "+strings.TrimSpace(line))
		}
	}
	// cgroup2 at /sys/fs/cgroup, or v1 hierarchies (and a hybrid host's
	// cgroup2) one level below.
	for _, pattern := range []string{"/sys/fs/cgroup/" + o.Name + "*", "/sys/fs/cgroup/*/" + o.Name + "*"} {
		cgroups, _ := filepath.Glob(pattern)
		for _, c := range cgroups {
			left = append(left, "cgroup "+c)
		}
	}
	for _, pid := range o.Processes() {
		left = append(left, fmt.Sprintf("process %d (%s)", pid, Comm(pid)))
	}
	return left
}

// Processes lists the processes that carry the owner's Marker.
func (o Owner) Processes() []int {
	var pids []int
	environs, _ := filepath.Glob("/proc/[0-9]*/environ")
	for _, name := range environs {
		env, err := os.ReadFile(name)
		if err == nil && slices.Contains(strings.Split(string(env), "\x00"), o.Marker) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(name)))
			pids = append(pids, pid)
		}
	}
	return pids
}
