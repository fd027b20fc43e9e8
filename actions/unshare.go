package actions

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nsdive/nsdive/inspect"
)

// Propagation values of UnshareOptions.Propagation, as unshare(1) names
// them.
const (
	PropagationPrivate   = "private"
	PropagationShared    = "shared"
	PropagationSlave     = "slave"
	PropagationUnchanged = "unchanged"
)

// UnshareOptions say which new namespaces Unshare makes and what it runs
// in them, with unshare(1)'s meaning for each.
type UnshareOptions struct {
	// Types are the new namespaces.
	Types inspect.TypeSet
	// Fork runs the command as a child of nsdive, which waits for it.
	// A new pid namespace needs it: the command is its pid 1.
	Fork bool
	// MountProc mounts a proc filesystem at this directory ("/proc"
	// usually) in the new mount namespace; empty for none. It implies a
	// new mount namespace.
	MountProc string
	// MapRootUser maps the caller's uid and gid to root in the new user
	// namespace (implies one) and denies setgroups, as unshare -r does.
	MapRootUser bool
	// Propagation is what the new mount namespace's mounts become:
	// private (the default, as unshare makes them), shared, slave or
	// unchanged.
	Propagation string
	// Hostname is set in the new uts namespace; empty keeps the copy.
	Hostname string
	// Monotonic and Boottime are the new time namespace's clock offsets.
	Monotonic, Boottime time.Duration
	// Persist bind-mounts new namespaces at files, which keep them alive
	// after the command ends (nsdive release FILE removes one).
	Persist []PersistSpec
	// Args is the command; $SHELL, or /bin/sh, when empty.
	Args []string
}

// Unshared is a command ready to run in new namespaces. It runs as
// tea.Exec and exec.Cmd do: set its streams, then Run.
type Unshared struct {
	opts     UnshareOptions
	cmd      *exec.Cmd
	persist  *Action
	commands []string
}

// Unshare checks opts and prepares the command. Nothing is created until
// Run.
func Unshare(opts UnshareOptions) (*Unshared, error) {
	if opts.MountProc != "" {
		opts.Types |= inspect.TypesOf(inspect.Mnt)
		if !filepath.IsAbs(opts.MountProc) {
			return nil, fmt.Errorf("--mount-proc %s: give an absolute directory", opts.MountProc)
		}
	}
	if opts.MapRootUser {
		opts.Types |= inspect.TypesOf(inspect.User)
	}
	if (opts.Monotonic != 0 || opts.Boottime != 0) && !opts.Types.Has(inspect.Time) {
		return nil, errors.New("--monotonic and --boottime need a new time namespace: add --time")
	}
	if opts.Types == 0 {
		return nil, errors.New("no namespace asked for: give --mount, --uts, --ipc, --net, --pid, --user, --cgroup or --time")
	}
	if opts.Types.Has(inspect.PID) && !opts.Fork {
		// unshare(1) would leave the command outside the new pid
		// namespace and put only its first child in it; a Go process
		// cannot unshare a pid namespace and go on (its next thread
		// would fail), so nsdive always makes the command pid 1.
		return nil, errors.New("--pid needs --fork here: nsdive runs the command as pid 1 of the new pid namespace")
	}
	switch opts.Propagation {
	case "":
		opts.Propagation = PropagationPrivate
	case PropagationPrivate, PropagationShared, PropagationSlave, PropagationUnchanged:
	default:
		return nil, fmt.Errorf("--propagation %s: want private, shared, slave or unchanged", opts.Propagation)
	}
	if opts.Hostname != "" && !opts.Types.Has(inspect.UTS) {
		return nil, errors.New("--hostname needs a new uts namespace: add --uts")
	}
	if len(opts.Hostname) > 64 {
		return nil, fmt.Errorf("--hostname %.20s…: a host name has at most 64 bytes", opts.Hostname)
	}
	for _, p := range opts.Persist {
		if !opts.Types.Has(p.Type) {
			return nil, fmt.Errorf("--persist %s=%s: no new %s namespace is made: add --%s", p.Type, p.Path, p.Type, longFlag(p.Type))
		}
		if err := checkPersistFile(p.Path); err != nil {
			return nil, err
		}
	}
	if len(opts.Args) == 0 {
		opts.Args = []string{defaultShell()}
	}
	u := &Unshared{opts: opts}
	u.commands = []string{unshareCommand(opts)}
	return u, nil
}

// Commands returns the equivalent shell command.
func (u *Unshared) Commands() []string { return u.commands }

// checkPersistFile fails when path is not absolute or is taken.
func checkPersistFile(path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("--persist %s: give an absolute path", path)
	}
	if _, err := lstat(path); err == nil {
		return existsError(path)
	}
	return checkDir(filepath.Dir(path))
}

// defaultShell is $SHELL, or /bin/sh.
func defaultShell() string {
	if sh := os.Getenv("SHELL"); sh != "" {
		return sh
	}
	return "/bin/sh"
}

// longFlag is the unshare(1) option that makes a namespace of type t.
func longFlag(t inspect.Type) string {
	if t == inspect.Mnt {
		return "mount"
	}
	return t.String()
}

// unshareCommand is the unshare(1) command line that does what opts ask.
func unshareCommand(opts UnshareOptions) string {
	words := []string{"unshare"}
	persisted := map[inspect.Type]string{}
	for _, p := range opts.Persist {
		persisted[p.Type] = p.Path
	}
	for _, t := range inspect.Types {
		_, kept := persisted[t]
		implied := t == inspect.User && opts.MapRootUser || t == inspect.Mnt && opts.MountProc != "" && !kept
		if !opts.Types.Has(t) || implied {
			continue
		}
		w := "--" + longFlag(t)
		if path, ok := persisted[t]; ok {
			w += "=" + shellQuote(path)
		}
		words = append(words, w)
	}
	if opts.MapRootUser {
		w := "--map-root-user"
		if path, ok := persisted[inspect.User]; ok {
			w = "--user=" + shellQuote(path) + " " + w
		}
		words = append(words, w)
	}
	if opts.Fork {
		words = append(words, "--fork")
	}
	if opts.MountProc == "/proc" {
		words = append(words, "--mount-proc")
	} else if opts.MountProc != "" {
		words = append(words, "--mount-proc="+shellQuote(opts.MountProc))
	}
	if opts.Types.Has(inspect.Mnt) && opts.Propagation != PropagationPrivate {
		words = append(words, "--propagation", opts.Propagation)
	}
	if opts.Hostname != "" {
		words = append(words, "--hostname", shellQuote(opts.Hostname))
	}
	if opts.Monotonic != 0 {
		words = append(words, "--monotonic", seconds(opts.Monotonic))
	}
	if opts.Boottime != 0 {
		words = append(words, "--boottime", seconds(opts.Boottime))
	}
	words = append(words, "--")
	for _, a := range opts.Args {
		words = append(words, shellQuote(a))
	}
	return strings.Join(words, " ")
}

func seconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

// cloneFlags are the CLONE_NEW* flags of types.
func cloneFlags(types inspect.TypeSet) uintptr {
	var flags uintptr
	for _, t := range inspect.Types {
		if types.Has(t) {
			flags |= uintptr(t.CloneFlag())
		}
	}
	return flags
}

// SetStdin sets the command's standard input.
func (u *Unshared) SetStdin(r io.Reader) { u.command().Stdin = r }

// SetStdout sets the command's standard output.
func (u *Unshared) SetStdout(w io.Writer) { u.command().Stdout = w }

// SetStderr sets the command's standard error.
func (u *Unshared) SetStderr(w io.Writer) { u.command().Stderr = w }

// command builds the re-executed nsdive that becomes the command: it is
// made in the new namespaces (clone flags), except a time namespace: its
// offsets must be written before any process is in it, and the
// kernel moves a process into its time namespace for children when it
// execs, so the re-executed nsdive unshares it itself, writes the
// offsets, then execs the command (childConfig.setUp).
func (u *Unshared) command() *exec.Cmd {
	if u.cmd != nil {
		return u.cmd
	}
	o := u.opts
	attr := &syscall.SysProcAttr{Cloneflags: cloneFlags(o.Types) &^ unix.CLONE_NEWTIME}
	if o.MapRootUser {
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
	}
	u.cmd = &exec.Cmd{Path: "/proc/self/exe", Args: []string{childArg0}, SysProcAttr: attr,
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	return u.cmd
}
