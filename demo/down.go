package demo

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nsdive/nsdive/actions"
	"github.com/nsdive/nsdive/internal/sandbox"
	"golang.org/x/sys/unix"
)

// Down takes the lab down: it removes what the state file lists and
// processes of the lab that outlived an interrupted Up, then the state
// file. No lab is no error.
func Down(opts Options) error {
	if os.Geteuid() != 0 {
		return ErrNotRoot
	}
	unlock, err := lock()
	if err != nil {
		return err
	}
	defer unlock()
	s, _, err := readState()
	if err != nil {
		return err
	}
	return down(s, opts)
}

// down removes what s lists, the last made first, and the state file
// when all is gone.
func down(s State, opts Options) error {
	log := func(format string, args ...any) {
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, "# "+format+"\n", args...)
		}
	}
	var errs []error
	for _, p := range s.Procs {
		if alive(p) {
			log("kill -KILL %d", p.PID)
			errs = append(errs, killProc(p.PID))
		}
	}
	for _, pid := range markedProcesses() {
		log("kill -KILL %d", pid)
		errs = append(errs, killProc(pid))
	}
	for _, path := range slices.Backward(s.Netns) {
		log("ip netns del %s", filepath.Base(path))
		errs = append(errs, releaseNetns(path))
	}
	for _, dir := range slices.Backward(s.Cgroups) {
		log("rmdir %s", dir)
		errs = append(errs, removeCgroup(dir))
	}
	for _, point := range slices.Backward(s.Mounts) {
		if isMountPoint(point) {
			log("umount --lazy %s", point)
			if err := unix.Unmount(point, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) {
				errs = append(errs, fmt.Errorf("unmount %s: %w", point, err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("take the lab down: %w: run nsdive demo down again", err)
	}
	if err := os.Remove(StateFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the lab's state: %w", err)
	}
	for _, dir := range slices.Backward(s.Dirs) {
		if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", dir, err)
		}
	}
	return nil
}

// releaseNetns unmounts and removes a persisted network namespace with
// the release action, or by hand when it is no namespace any more (an
// Up killed between making the file and mounting it).
func releaseNetns(path string) error {
	if a, err := actions.Release(path); err == nil {
		if err := a.Run(); err == nil {
			return nil
		}
	}
	if err := unix.Unmount(path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("unmount %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}

// removeCgroup removes a cgroup, waiting for its killed processes to go.
func removeCgroup(dir string) error {
	var err error
	for deadline := time.Now().Add(killTimeout); ; time.Sleep(10 * time.Millisecond) {
		err = unix.Rmdir(dir)
		if err == nil || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) || time.Now().After(deadline) {
			return fmt.Errorf("remove cgroup %s: %w", dir, err)
		}
	}
}

// killTimeout is how long a killed process may take to end.
const killTimeout = 10 * time.Second

// killProc SIGKILLs pid (and, for the init of a pid namespace, the whole
// namespace) and waits until it is gone or a zombie.
func killProc(pid int) error {
	if err := unix.Kill(pid, unix.SIGKILL); err != nil && !errors.Is(err, unix.ESRCH) {
		return fmt.Errorf("kill %d: %w", pid, err)
	}
	if sandbox.Poll(killTimeout, func() bool { _, state, err := procStat(pid); return err != nil || state == 'Z' }) {
		return nil
	}
	return fmt.Errorf("process %d still runs %s after SIGKILL", pid, killTimeout)
}

// alive reports whether p still runs (and is the process it was).
func alive(p Proc) bool {
	start, state, err := procStat(p.PID)
	return err == nil && start == p.StartTime && state != 'Z'
}

// procStat returns a process's start time and state from /proc/PID/stat.
func procStat(pid int) (uint64, byte, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, err
	}
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	if len(fields) < 20 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	start, err := strconv.ParseUint(fields[19], 10, 64)
	return start, fields[0][0], err
}

// markedProcesses lists the live processes that carry the lab's marker:
// those an Up killed half-way started but had not recorded yet.
func markedProcesses() []int {
	marked := owner.Processes()
	return slices.DeleteFunc(marked, func(pid int) bool {
		_, state, err := procStat(pid)
		return err != nil || state == 'Z'
	})
}

// isMountPoint reports whether path is a mount point in this process's
// mount namespace.
func isMountPoint(path string) bool {
	mountinfo, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return false
	}
	for line := range strings.Lines(string(mountinfo)) {
		if fields := strings.Fields(line); len(fields) > 4 && unescape(fields[4]) == path {
			return true
		}
	}
	return false
}

// owner finds what the lab made: mounts under /run/nsdive-lab, the
// nsdive-lab cgroup and processes with the lab's marker.
var owner = sandbox.Owner{Name: CgroupParent, Marker: markerEnv + "=1"}

// Leftovers lists what exists of a lab, made by Up or left by one that
// was killed: its processes, mounts, cgroups, persisted network
// namespaces and state file; empty when there is none.
func Leftovers() []string {
	left := owner.Leftovers()
	for _, name := range []string{Netns, EmptyNetns} {
		if _, err := os.Lstat(filepath.Join("/run/netns", name)); err == nil {
			left = append(left, "/run/netns/"+name)
		}
	}
	if _, err := os.Lstat(StateFile); err == nil {
		left = append(left, StateFile)
	}
	return left
}
