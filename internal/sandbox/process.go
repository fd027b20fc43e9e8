package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// KillTimeout is how long Kill waits for a killed process group to end.
const KillTimeout = 10 * time.Second

// Process is a process started by Start, leader of a process group of its
// own that holds whatever it forks.
type Process struct {
	cmd     *exec.Cmd
	once    sync.Once
	killErr error
}

// Start starts cmd in a process group of its own with the owner's Marker
// added to its environment. Until Kill reaps it, the leader stays at
// least a zombie, so its pid, which is the group's id, cannot be reused
// by another process.
func (o Owner) Start(cmd *exec.Cmd) (*Process, error) {
	cmd.Env = append(cmd.Environ(), o.Marker)
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", strings.Join(cmd.Args, " "), err)
	}
	return &Process{cmd: cmd}, nil
}

// PID is the process's pid, which is also its process group's id.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Args is the command line the process was started with.
func (p *Process) Args() []string { return p.cmd.Args }

// Kill SIGKILLs the process group, reaps the leader and waits up to
// KillTimeout until no member of the group runs. A member orphaned by the
// leader's death stays a zombie until init reaps it, which holds nothing.
// Kill does its work once; later calls return the first one's result.
func (p *Process) Kill() error {
	p.once.Do(func() {
		pgid := p.PID()
		_ = unix.Kill(-pgid, unix.SIGKILL)
		_ = p.cmd.Wait()
		if !Poll(KillTimeout, func() bool { return len(LiveGroupMembers(pgid)) == 0 }) {
			p.killErr = fmt.Errorf("process group %d of %s still runs %v %s after SIGKILL",
				pgid, strings.Join(p.Args(), " "), LiveGroupMembers(pgid), KillTimeout)
		}
	})
	return p.killErr
}

// LiveGroupMembers lists the processes of process group pgid that are not
// zombies.
func LiveGroupMembers(pgid int) []int {
	// The cheap answer first: no member at all, zombie or not.
	if unix.Kill(-pgid, 0) == unix.ESRCH {
		return nil
	}
	var live []int
	names, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		// After the command name: state, ppid, process group.
		fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		if len(fields) > 2 && fields[0] != "Z" && fields[2] == strconv.Itoa(pgid) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(name)))
			live = append(live, pid)
		}
	}
	return live
}

// Comm returns a process's command name, or "" when it is gone.
func Comm(pid int) string {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSuffix(string(data), "\n")
}

// Poll calls cond every few milliseconds until it holds or timeout has
// passed, and reports whether it came to hold.
func Poll(timeout time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}
