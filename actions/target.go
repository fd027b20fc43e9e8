package actions

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/inside"
	"golang.org/x/sys/unix"
)

// ErrExited is matched by the error of a target whose process has exited,
// or whose pid now names another process.
var ErrExited = errors.New("the process has exited")

// exitedError says how a target's process is gone; it matches ErrExited.
type exitedError struct{ msg string }

func (e exitedError) Error() string        { return e.msg }
func (e exitedError) Is(target error) bool { return target == ErrExited }

func exited(format string, args ...any) error { return exitedError{fmt.Sprintf(format, args...)} }

// Target is the process an action acts on (`-t PID|CONTAINER`): its pid,
// and its start time, which tells it apart from a later process given the
// same pid. Every method checks the start time again, so an action never
// changes the namespaces of a process that replaced the one named.
type Target struct {
	PID       int
	StartTime uint64 // clock ticks after boot, as in /proc/PID/stat
	// Container is the container the target was named by, nil when it
	// was named by its pid.
	Container *inspect.Container
}

// procRoot is where the targets' /proc files are read; tests point it at
// a fixture tree.
var procRoot = "/proc"

// TargetPID returns the process that has pid now.
func TargetPID(pid int) (Target, error) {
	if pid <= 0 {
		return Target{}, fmt.Errorf("pid %d: a pid is a number above 0", pid)
	}
	key, state, err := inspect.ReadKey(procRoot, pid)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Target{}, exited("no process has pid %d: see nsdive ps", pid)
	case err != nil:
		return Target{}, err
	case state == 'Z':
		return Target{}, exited("pid %d has exited (a zombie its parent has not reaped)", pid)
	}
	return Target{PID: key.PID, StartTime: key.StartTime}, nil
}

// TargetOf returns the target a snapshot's process names, for a caller
// that chose it in a snapshot (the explorer). Its start time must have
// been read (a scan without Options.Lazy, or Snapshot.Fill); without it,
// a pid reused since the scan cannot be told apart.
func TargetOf(p *inspect.Process) Target {
	return Target{PID: p.PID, StartTime: p.Key().StartTime, Container: p.Container}
}

// ResolveTarget resolves the argument of -t: a pid, or a container's name
// or id (or a unique prefix of the id) as the CONTAINER column shows it,
// with ENGINE: in front where names clash ("docker:web"). A container is
// targeted through its lowest pid, its init. An argument of digits alone
// is a pid.
func ResolveTarget(ctx context.Context, arg string) (Target, error) {
	if arg == "" {
		return Target{}, errors.New("-t: give a pid or a container name")
	}
	if pid, err := strconv.Atoi(arg); err == nil {
		return TargetPID(pid)
	}
	snap, err := inspect.Scan(ctx, inspect.Options{Cgroups: true})
	if err != nil {
		return Target{}, fmt.Errorf("find container %s: %w", arg, err)
	}
	t, err := findContainer(snap.Processes, arg)
	if err != nil && os.Geteuid() != 0 {
		err = fmt.Errorf("%w (as root nsdive sees every container)", err)
	}
	return t, err
}

// findContainer picks the lowest pid of the one container that arg
// names among procs. A name matches before an id prefix does.
func findContainer(procs map[int]*inspect.Process, arg string) (Target, error) {
	engine, name := "", arg
	if e, n, ok := strings.Cut(arg, ":"); ok {
		engine, name = e, n
	}
	type match struct {
		c    *inspect.Container
		init *inspect.Process
	}
	var byName, byID []match
	add := func(list []match, p *inspect.Process) []match {
		i := slices.IndexFunc(list, func(m match) bool {
			return m.c.Engine == p.Container.Engine && m.c.ID == p.Container.ID
		})
		if i < 0 {
			return append(list, match{p.Container, p})
		}
		if p.PID < list[i].init.PID {
			list[i].init = p
		}
		return list
	}
	for _, p := range procs {
		c := p.Container
		if c == nil || p.IsThread() || engine != "" && c.Engine != engine {
			continue
		}
		switch {
		case c.Name == name:
			byName = add(byName, p)
		case c.ID == name || len(name) >= 3 && strings.HasPrefix(c.ID, name):
			byID = add(byID, p)
		}
	}
	matches := byName
	if len(matches) == 0 {
		matches = byID
	}
	switch len(matches) {
	case 0:
		return Target{}, fmt.Errorf("no container named %s: see nsdive list -o +CONTAINER", arg)
	case 1:
		m := matches[0]
		return Target{PID: m.init.PID, StartTime: m.init.StartTime, Container: m.c}, nil
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = m.c.String()
	}
	slices.Sort(names)
	return Target{}, fmt.Errorf("%s names %d containers (%s): give ENGINE:NAME or the id",
		arg, len(matches), strings.Join(names, ", "))
}

// String names the target as its error messages do: "pid 1234", or
// "docker:web 846466381fc8 (pid 1234)".
func (t Target) String() string {
	if t.Container != nil {
		return fmt.Sprintf("%s (pid %d)", t.Container, t.PID)
	}
	return fmt.Sprintf("pid %d", t.PID)
}

// Check fails with an error matching ErrExited when the target's process
// has exited or its pid names another process now.
func (t Target) Check() error {
	key, state, err := inspect.ReadKey(procRoot, t.PID)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return exited("%s has exited", t)
	case err != nil:
		return err
	case t.StartTime != 0 && key.StartTime != t.StartTime:
		return exited("%s has exited: the pid names another process now", t)
	case state == 'Z':
		return exited("%s has exited (a zombie its parent has not reaped)", t)
	}
	return nil
}

// Open opens the target's namespace of type typ (/proc/PID/ns/TYPE),
// read-only and close-on-exec, and checks after opening that the
// descriptor is the target's: that the process did not exit and its pid
// was not reused in between. The caller closes the descriptor.
func (t Target) Open(typ inspect.Type) (int, error) {
	if err := t.Check(); err != nil {
		return -1, err
	}
	path := fmt.Sprintf("%s/%d/ns/%s", procRoot, t.PID, typ)
	fd, err := inside.Way{Path: path}.Open()
	if err != nil {
		if checkErr := t.Check(); checkErr != nil {
			return -1, checkErr
		}
		switch {
		case errors.Is(err, fs.ErrPermission):
			return -1, fmt.Errorf("%s has no readable namespaces: run as root", t)
		case errors.Is(err, fs.ErrNotExist):
			return -1, fmt.Errorf("%s has no %s namespace: this kernel has no %s namespaces", t, typ, typ)
		}
		return -1, fmt.Errorf("%s: %w", t, err)
	}
	if err := t.Check(); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}
