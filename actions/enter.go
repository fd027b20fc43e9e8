package actions

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/inside"
	"github.com/nsdive/nsdive/internal/nsexec"
	"golang.org/x/sys/unix"
)

// EnterOptions say which namespaces Enter joins and what it runs there.
type EnterOptions struct {
	// Types are the target's namespaces to join.
	Types inspect.TypeSet
	// All adds every namespace of the target that differs from nsdive's
	// own (nsenter's --all).
	All bool
	// Files join the namespace at a file (/proc/PID/ns/TYPE, a bind mount
	// such as /run/netns/NAME) instead of the target's, by type.
	Files map[inspect.Type]string
	// Args is the command; $SHELL, or /bin/sh, when empty.
	Args []string
	// Quiet leaves out the note of which binary runs when it comes from
	// the target's mount namespace.
	Quiet bool
	// PreserveCredentials keeps uid, gid and groups when joining a user
	// namespace instead of becoming its root.
	PreserveCredentials bool
}

// nsenterFlags are nsenter's option for each type, in the order Enter
// prints them.
var nsenterFlags = []struct {
	typ         inspect.Type
	short, long string
}{
	{inspect.Mnt, "-m", "--mount"}, {inspect.UTS, "-u", "--uts"}, {inspect.IPC, "-i", "--ipc"},
	{inspect.Net, "-n", "--net"}, {inspect.PID, "-p", "--pid"}, {inspect.Cgroup, "-C", "--cgroup"},
	{inspect.User, "-U", "--user"}, {inspect.Time, "-T", "--time"},
}

// Entry is a command ready to run in a target's namespaces.
type Entry struct {
	// Cmd runs the command; the caller sets its standard streams and
	// runs it (the explorer hands it to tea.ExecProcess), then calls
	// Finish.
	Cmd *exec.Cmd
	// Command is the equivalent nsenter command line.
	Command string
	// Joined are the types of the namespaces the command joins.
	Joined   inspect.TypeSet
	prepared *nsexec.Prepared
}

// Enter prepares opts.Args to run in namespaces of target (nil when every
// namespace comes from opts.Files). It opens every namespace now, checking
// the target's start time after each, so the command joins the namespaces
// of the process named even if it exits before the command starts. A
// thread of nsdive never joins them: a re-executed nsdive does, before
// its Go runtime starts (see internal/nsexec).
func Enter(target *Target, opts EnterOptions) (*Entry, error) {
	if opts.Types == 0 && !opts.All && len(opts.Files) == 0 {
		return nil, errors.New("no namespace to enter: give --all or the types (--net, --mount, ...)")
	}
	var namespaces []nsexec.Namespace
	var joined inspect.TypeSet
	closeAll := func() {
		for _, ns := range namespaces {
			ns.File.Close()
		}
	}
	for _, f := range nsenterFlags {
		t := f.typ
		wanted, file := opts.Types.Has(t), opts.Files[t]
		if !wanted && file == "" && !opts.All {
			continue
		}
		if target == nil && file == "" {
			closeAll()
			return nil, fmt.Errorf("%s: give a target (-t) or the namespace's file (--ns %s=FILE)", t, t)
		}
		fd, err := openNamespace(target, t, file)
		if err != nil {
			closeAll()
			return nil, err
		}
		// nsenter's --all leaves out the namespaces nsdive is in, and
		// the kernel refuses to join the user namespace one is in.
		if (t == inspect.User || opts.All && !wanted && file == "") && isOwn(fd, t) {
			unix.Close(fd)
			continue
		}
		namespaces = append(namespaces, nsexec.Namespace{File: os.NewFile(uintptr(fd), t.String()), Type: t.CloneFlag()})
		joined |= inspect.TypesOf(t)
	}
	if len(namespaces) == 0 {
		// Only the target's namespaces are left out, when they are
		// nsdive's own.
		return nil, fmt.Errorf("%s is in nsdive's own namespaces: nothing to enter", target)
	}
	args := opts.Args
	if len(args) == 0 {
		args = []string{cmp.Or(os.Getenv("SHELL"), "/bin/sh")}
	}
	p, err := nsexec.Command(nsexec.Request{
		Namespaces: namespaces, Args: args, Quiet: opts.Quiet,
		PreserveCredentials: opts.PreserveCredentials,
	})
	if err != nil {
		return nil, err
	}
	return &Entry{Cmd: p.Cmd, Command: nsenterCommand(target, opts, joined, args), Joined: joined, prepared: p}, nil
}

// Finish closes the descriptors the command inherited and returns the
// error that explains how it ended: an *nsexec.Error when nsdive could not
// enter or find the command, else runErr, the error of running Cmd (an
// *exec.ExitError when the command failed). Call it once Cmd has ended or
// failed to start.
func (e *Entry) Finish(runErr error) error { return e.prepared.Finish(runErr) }

// Run runs the command on nsdive's standard streams until it ends and
// returns Finish's error. Meanwhile nsdive ignores the terminal's SIGINT
// and SIGQUIT, which reach the command too, and passes on SIGTERM and
// SIGHUP, as a shell does for a command it waits for.
func (e *Entry) Run() error {
	err := runAsShellWould(e.Cmd)
	var start startError
	if errors.As(err, &start) {
		err = fmt.Errorf("start nsdive's namespace helper: %w", start.err)
	}
	return e.Finish(err)
}

// openNamespace opens the namespace of type t at file, checking that it
// is one of that type, or the target's when file is empty.
func openNamespace(target *Target, t inspect.Type, file string) (int, error) {
	if file == "" {
		return target.Open(t)
	}
	fd, err := inside.Way{Path: file}.Open()
	if errors.Is(err, inside.ErrNotNamespace) {
		return -1, fmt.Errorf("--ns %s=%s: not a namespace file: give /proc/PID/ns/%s or a bind mount of one", t, file, t)
	}
	if err != nil {
		return -1, fmt.Errorf("--ns %s=%s: %w", t, file, err)
	}
	flag, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	if err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("--ns %s=%s: NS_GET_NSTYPE: %w", t, file, err)
	}
	if flag != t.CloneFlag() {
		unix.Close(fd)
		return -1, fmt.Errorf("--ns %s=%s: a %s namespace, not %s", t, file, typeOfFlag(flag), t)
	}
	return fd, nil
}

// typeOfFlag names the namespace type whose CLONE_NEW* flag is flag.
func typeOfFlag(flag int) string {
	for _, t := range inspect.Types {
		if t.CloneFlag() == flag {
			return t.String()
		}
	}
	return fmt.Sprintf("type %#x", flag)
}

// isOwn reports whether fd is nsdive's own namespace of type t.
func isOwn(fd int, t inspect.Type) bool {
	var own, other unix.Stat_t
	if unix.Stat("/proc/self/ns/"+t.String(), &own) != nil || unix.Fstat(fd, &other) != nil {
		return false
	}
	return own.Dev == other.Dev && own.Ino == other.Ino
}

// nsenterCommand is the nsenter command line that does what Enter does.
func nsenterCommand(target *Target, opts EnterOptions, joined inspect.TypeSet, args []string) string {
	words := []string{"nsenter"}
	if target != nil {
		words = append(words, "-t", fmt.Sprint(target.PID))
	}
	for _, f := range nsenterFlags {
		switch {
		case opts.Files[f.typ] != "":
			words = append(words, f.long+"="+shellQuote(opts.Files[f.typ]))
		case joined.Has(f.typ):
			words = append(words, f.short)
		}
	}
	if opts.PreserveCredentials {
		words = append(words, "--preserve-credentials")
	}
	words = append(words, "--")
	for _, a := range args {
		words = append(words, shellQuote(a))
	}
	return strings.Join(words, " ")
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
