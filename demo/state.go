package demo

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// Proc is a process the lab started, known by its pid and start time so
// that a pid reused by another process is never signalled.
type Proc struct {
	Name      string
	PID       int
	StartTime uint64 // clock ticks after boot, as in /proc/PID/stat
}

// State is what Up made, written to StateFile before each object is
// made, so that Down removes it even after an Up killed half-way.
type State struct {
	// Complete is set once Up has made everything.
	Complete bool
	// Procs are the containers and the keeper.
	Procs []Proc
	// Netns are persisted network namespace files.
	Netns []string
	// Mounts are mount points in the host's mount namespace, the last
	// made last.
	Mounts []string
	// Cgroups are cgroup directories, the parent first.
	Cgroups []string
	// Dirs are directories Up created, the parent first.
	Dirs []string
}

// readState reads the state file; a missing one is an empty state.
func readState() (State, bool, error) {
	var s State
	data, err := os.ReadFile(StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return s, false, nil
	}
	if err != nil {
		return s, false, fmt.Errorf("read the lab's state: %w", err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, false, fmt.Errorf("read the lab's state %s: %w: remove it if no lab is up", StateFile, err)
	}
	return s, true, nil
}

// write replaces the state file, through a temporary file renamed over it.
func (s *State) write() error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := StateFile + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("write the lab's state: %w", err)
	}
	if err := os.Rename(tmp, StateFile); err != nil {
		return fmt.Errorf("write the lab's state: %w", err)
	}
	return nil
}

// lock takes the exclusive lock of the lab, waiting for another nsdive
// demo to finish, and returns its release.
func lock() (func(), error) {
	f, err := os.OpenFile(LockFile, os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock the lab: %w", needRoot(err))
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock the lab %s: %w", LockFile, err)
	}
	return func() { f.Close() }, nil
}

// ErrNotRoot is the error of a lab command run without root.
var ErrNotRoot = errors.New("the lab needs root: run nsdive demo as root (sudo)")

// needRoot says to run as root when err is a permission error.
func needRoot(err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return ErrNotRoot
	}
	return err
}
