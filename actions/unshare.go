package actions

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/child"
	"golang.org/x/sys/unix"
)

// UnshareOptions are unshare(1)'s options, with util-linux's meaning.
type UnshareOptions struct {
	// Types are the namespaces to create.
	Types inspect.TypeSet
	// Fork runs the command as a child: with a new pid namespace it is
	// pid 1 there.
	Fork bool
	// MountProc, when not empty, is where a fresh proc is mounted (it
	// implies a mount namespace).
	MountProc string
	// MapRootUser maps the caller to root in a new user namespace (it
	// implies one).
	MapRootUser bool
	// Propagation is "private" (the default when empty), "shared",
	// "slave" or "unchanged", applied recursively to / in a new mount
	// namespace.
	Propagation string
	// Hostname, when not empty, is set in the new uts namespace.
	Hostname string
	// Monotonic and Boottime are the new time namespace's offsets in
	// seconds; SetMonotonic and SetBoottime say they were given.
	Monotonic, Boottime       int64
	SetMonotonic, SetBoottime bool
	// Persist bind-mounts new namespaces at files (unshare --net=FILE),
	// which implies them.
	Persist []PersistSpec
	// Args is the command; $SHELL, or /bin/sh, when empty.
	Args []string
}

// unshareFlags are unshare(1)'s options for each type, in its order.
var unshareFlags = []struct {
	typ  inspect.Type
	long string
}{
	{inspect.Mnt, "--mount"}, {inspect.UTS, "--uts"}, {inspect.IPC, "--ipc"}, {inspect.Net, "--net"},
	{inspect.PID, "--pid"}, {inspect.User, "--user"}, {inspect.Cgroup, "--cgroup"}, {inspect.Time, "--time"},
}

var propagations = map[string]uintptr{
	"private": unix.MS_PRIVATE, "shared": unix.MS_SHARED, "slave": unix.MS_SLAVE, "unchanged": 0,
}

// Unshared is a command ready to run in new namespaces.
type Unshared struct {
	// Cmd runs the command; the caller sets its standard streams and
	// runs it (the explorer hands it to tea.ExecProcess), then calls
	// Finish. Its process is nsdive's child, which execs the command.
	Cmd *exec.Cmd
	// Description says what it makes, in a few words.
	Description string
	// Command is the equivalent unshare command line.
	Command string
	// Types are the namespaces it creates.
	Types    inspect.TypeSet
	prepared *child.Prepared
}

// Commands returns the equivalent shell commands, as an Action's do.
func (u *Unshared) Commands() []string { return []string{u.Command} }

// Unshare checks opts and prepares the command; nothing is created until
// Cmd starts. The namespaces are made by the kernel as the child is
// cloned, and set up by the child (see internal/child); the files of
// opts.Persist are bind-mounted by this process, before the command runs,
// and removed again when it cannot run.
func Unshare(opts UnshareOptions) (*Unshared, error) {
	types := opts.Types
	if opts.MountProc != "" {
		types |= inspect.TypesOf(inspect.Mnt)
	}
	if opts.MapRootUser {
		types |= inspect.TypesOf(inspect.User)
	}
	for _, p := range opts.Persist {
		types |= inspect.TypesOf(p.Type)
	}
	prop, ok := propagations[cmp.Or(opts.Propagation, "private")]
	switch {
	case !ok:
		return nil, fmt.Errorf("unsupported propagation mode %q: want private, shared, slave or unchanged", opts.Propagation)
	case (opts.SetMonotonic || opts.SetBoottime) && !types.Has(inspect.Time):
		return nil, errors.New("--monotonic and --boottime need a new time namespace: add --time")
	case opts.Hostname != "" && !types.Has(inspect.UTS):
		return nil, errors.New("--hostname needs a new uts namespace: add --uts")
	case len(opts.Hostname) > 64:
		return nil, fmt.Errorf("hostname %q is longer than 64 bytes", opts.Hostname)
	case os.Geteuid() != 0 && types&^inspect.TypesOf(inspect.User) != 0 && !types.Has(inspect.User):
		return nil, errors.New("creating namespaces needs root: run as root, or add --user (--map-root-user to be root inside)")
	case os.Geteuid() != 0 && len(opts.Persist) > 0:
		return nil, errors.New("--persist mounts in this mount namespace, which needs root: run as root")
	}
	flags, hand := 0, 0
	for _, f := range unshareFlags {
		if types.Has(f.typ) {
			flags |= f.typ.CloneFlag()
		}
	}
	persist, err := checkPersist(opts.Persist, opts.Fork)
	if err != nil {
		return nil, err
	}
	for _, p := range persist {
		hand |= p.Type.CloneFlag()
	}
	args := opts.Args
	if len(args) == 0 {
		args = []string{cmp.Or(os.Getenv("SHELL"), "/bin/sh")}
	}
	mountProc := opts.MountProc
	if mountProc != "" {
		if mountProc, err = filepath.Abs(mountProc); err != nil {
			return nil, fmt.Errorf("--mount-proc %s: %w", opts.MountProc, err)
		}
	}
	c := child.Config{
		Flags: flags, Fork: opts.Fork, MapRootUser: opts.MapRootUser, MountProc: mountProc,
		Hostname: opts.Hostname, Monotonic: opts.Monotonic, Boottime: opts.Boottime, Args: args, Hand: hand,
	}
	if types.Has(inspect.Mnt) {
		c.Propagation = prop
	}
	if len(persist) > 0 {
		c.Ready = func(ns map[int]*os.File) (func() error, error) {
			a := persistAction(persist, ns)
			if err := a.Run(); err != nil {
				return nil, err
			}
			return a.Undo, nil
		}
	}
	p, err := child.Command(c)
	if err != nil {
		return nil, err
	}
	return &Unshared{
		Cmd:         p.Cmd,
		Description: fmt.Sprintf("run %s in new %s namespaces", args[0], typeList(types)),
		Command:     unshareCommand(opts, types, args),
		Types:       types,
		prepared:    p,
	}, nil
}

// typeList names the types of ts, "mnt, pid".
func typeList(ts inspect.TypeSet) string {
	var names []string
	for _, f := range unshareFlags {
		if ts.Has(f.typ) {
			names = append(names, f.typ.String())
		}
	}
	if len(names) == 0 {
		return "no"
	}
	return strings.Join(names, ", ")
}

// Finish returns the error that explains how the command ended: a
// *child.Error when nsdive could not set up its namespaces or find the
// command, a persist failure (already undone), or runErr, the error of
// running Cmd (an *exec.ExitError when the command failed). Call it once
// Cmd has ended or failed to start.
func (u *Unshared) Finish(runErr error) error {
	if runErr != nil && u.Cmd.Process == nil {
		runErr = needRoot(fmt.Errorf("create the namespaces: %w", runErr))
	}
	return u.prepared.Finish(runErr)
}

// Started waits until the command runs and returns why it did not; call
// it after Cmd.Start.
func (u *Unshared) Started() error { return u.prepared.Started() }

// Run runs the command on nsdive's standard streams until it ends and
// returns Finish's error. Meanwhile nsdive ignores the terminal's SIGINT
// and SIGQUIT, which reach the command too, and passes on SIGTERM and
// SIGHUP, as a shell does for a command it waits for.
func (u *Unshared) Run() error {
	err := runAsShellWould(u.Cmd)
	var start startError
	if errors.As(err, &start) {
		err = start.err
	}
	return u.Finish(err)
}

// unshareCommand is the unshare command line that does what Unshare does.
func unshareCommand(opts UnshareOptions, types inspect.TypeSet, args []string) string {
	words := []string{"unshare"}
	files := map[inspect.Type]string{}
	for _, p := range opts.Persist {
		files[p.Type] = p.Path
	}
	for _, f := range unshareFlags {
		switch {
		case files[f.typ] != "":
			words = append(words, f.long+"="+shellQuote(files[f.typ]))
		case f.typ == inspect.User && opts.MapRootUser && !opts.Types.Has(inspect.User),
			f.typ == inspect.Mnt && opts.MountProc != "" && !opts.Types.Has(inspect.Mnt):
			// implied by --map-root-user and --mount-proc
		case types.Has(f.typ):
			words = append(words, f.long)
		}
	}
	if opts.Fork {
		words = append(words, "--fork")
	}
	switch opts.MountProc {
	case "":
	case "/proc":
		words = append(words, "--mount-proc")
	default:
		words = append(words, "--mount-proc="+shellQuote(opts.MountProc))
	}
	if opts.MapRootUser {
		words = append(words, "--map-root-user")
	}
	if p := opts.Propagation; p != "" && p != "private" && types.Has(inspect.Mnt) {
		words = append(words, "--propagation", p)
	}
	if opts.SetMonotonic {
		words = append(words, "--monotonic", fmt.Sprint(opts.Monotonic))
	}
	if opts.SetBoottime {
		words = append(words, "--boottime", fmt.Sprint(opts.Boottime))
	}
	words = append(words, "--")
	if opts.Hostname != "" {
		// unshare has no --hostname: a shell sets it, then becomes the
		// command.
		words = append(words, "sh", "-c", shellQuote(`hostname "$0" && exec "$@"`), shellQuote(opts.Hostname))
	}
	for _, a := range args {
		words = append(words, shellQuote(a))
	}
	return strings.Join(words, " ")
}
