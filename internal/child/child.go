package child

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// ArgChild is the child's only argument; the init stage adds ArgInit.
const (
	ArgChild = "--nsdive-unshare-child"
	ArgInit  = "init"
)

const (
	marker = "_NSDIVE_CHILD"
	magic  = "nsdive-child/1\n"
)

// Config says which namespaces the child makes and what it does in them.
type Config struct {
	// Flags are the CLONE_NEW* flags of the namespaces to create.
	Flags int
	// Fork puts the child itself (and so the command) in a new pid
	// namespace, as pid 1; without it, as with unshare --pid alone, only
	// the command's children are in it.
	Fork bool
	// MapRootUser maps the caller's uid and gid to 0 in a new user
	// namespace, with setgroups denied (unshare --map-root-user).
	MapRootUser bool
	// UIDMappings and GIDMappings map the ids of a new user namespace
	// when MapRootUser does not: any ranges, which needs root (the lab
	// maps root inside to an unprivileged range outside); setgroups is
	// allowed in it then.
	UIDMappings, GIDMappings []syscall.SysProcIDMap
	// CgroupFD, when above 0, is a cgroup v2 directory the child is
	// cloned into (CLONE_INTO_CGROUP); a new cgroup namespace is then
	// made by the child, so that its root is that cgroup.
	CgroupFD int
	// Propagation is applied recursively to / in a new mount namespace:
	// unix.MS_PRIVATE, MS_SHARED or MS_SLAVE, or 0 to leave it.
	Propagation uintptr
	// MountProc, when not empty, is where a fresh proc is mounted.
	MountProc string
	// Hostname, when not empty, is set in the new uts namespace.
	Hostname string
	// Monotonic and Boottime are the time namespace's offsets, in
	// seconds.
	Monotonic, Boottime int64
	// Args is the command. Empty, the child stays as an init: it reaps
	// orphans and exits on SIGTERM or SIGINT.
	Args []string
	// InitName is the init's argv[0] when Args is empty, so that ps and
	// nsdive list show what it is for.
	InitName string
	// Env is the command's environment; nil for nsdive's own.
	Env []string
	// Hand are CLONE_NEW* flags of new namespaces whose descriptors the
	// child hands to Ready (pid and time: those of its children).
	Hand int
	// Ready, when not nil, runs in this process once the namespaces are
	// set up and before the command runs, with a descriptor of each
	// namespace of Hand by flag (closed after). An error stops the child
	// before it runs anything; undo, when not nil, is called if the
	// command then cannot be run.
	Ready func(ns map[int]*os.File) (undo func() error, err error)
}

// spec is what travels to the child.
type spec struct {
	Flags, Hand         int
	Fork                bool
	Propagation         uintptr
	MountProc, Hostname string
	Monotonic, Boottime int64
	Args                []string
	InitName            string
	UnmappedUser        bool
	CgroupLate          bool
}

// Error is a failure in the child before the command ran, or a command
// it could not run.
type Error struct {
	Msg    string
	Status int // 1, or a shell's 126 and 127 for a command not run
}

func (e *Error) Error() string { return e.Msg }

// Prepared is a child ready to start.
type Prepared struct {
	// Cmd re-executes this binary; the caller sets its standard streams,
	// starts it (or hands it to tea.ExecProcess) and calls Finish once it
	// has ended or failed to start.
	Cmd      *exec.Cmd
	files    []*os.File // what Cmd inherits, closed by Started or Finish
	served   chan struct{}
	serveErr error // the parent's half of the protocol, once served is closed
	parent   *os.File
}

// Command prepares the child of c.
func Command(c Config) (*Prepared, error) {
	nonceBytes := make([]byte, 16)
	if _, err := rand.Read(nonceBytes); err != nil {
		return nil, fmt.Errorf("unshare: nonce: %w", err)
	}
	nonce := hex.EncodeToString(nonceBytes)
	s := spec{Flags: c.Flags, Hand: c.Hand, Fork: c.Fork, Propagation: c.Propagation,
		MountProc: c.MountProc, Hostname: c.Hostname, Monotonic: c.Monotonic, Boottime: c.Boottime,
		Args: c.Args, InitName: c.InitName,
		UnmappedUser: c.Flags&unix.CLONE_NEWUSER != 0 && !c.MapRootUser && c.UIDMappings == nil,
		CgroupLate:   c.Flags&unix.CLONE_NEWCGROUP != 0 && c.CgroupFD > 0}
	body, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("unshare: encode request: %w", err)
	}
	request, err := sealedMemfd(magic + nonce + "\n" + string(body))
	if err != nil {
		return nil, err
	}
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		request.Close()
		return nil, fmt.Errorf("unshare: socketpair: %w", err)
	}
	parent, childEnd := os.NewFile(uintptr(pair[0]), "nsdive-child"), os.NewFile(uintptr(pair[1]), "nsdive-child")
	env := c.Env
	if env == nil {
		env = os.Environ()
	}
	env = slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, marker+"=") })
	p := &Prepared{
		Cmd: &exec.Cmd{
			Path:        "/proc/self/exe",
			Args:        []string{"nsdive", ArgChild},
			Env:         append(env, marker+"=3:"+nonce),
			ExtraFiles:  []*os.File{request, childEnd},
			SysProcAttr: sysProcAttr(c),
		},
		files:  []*os.File{request, childEnd},
		served: make(chan struct{}),
		parent: parent,
	}
	go func() {
		p.serveErr = serve(parent, c.Ready)
		close(p.served)
	}()
	return p, nil
}

// sysProcAttr makes the namespaces the child is to be in from its start.
func sysProcAttr(c Config) *syscall.SysProcAttr {
	clone := c.Flags &^ (unix.CLONE_NEWPID | unix.CLONE_NEWTIME)
	attr := &syscall.SysProcAttr{Cloneflags: uintptr(clone)}
	if c.CgroupFD > 0 {
		// The kernel copies the cgroup namespace before it moves the
		// child into the cgroup: the child makes its own (setup).
		attr.Cloneflags &^= unix.CLONE_NEWCGROUP
		attr.UseCgroupFD, attr.CgroupFD = true, c.CgroupFD
	}
	if c.Flags&unix.CLONE_NEWPID != 0 && c.Fork {
		attr.Cloneflags |= unix.CLONE_NEWPID
	}
	if c.Flags&unix.CLONE_NEWUSER != 0 {
		switch {
		case c.UIDMappings != nil || c.GIDMappings != nil:
			attr.UidMappings, attr.GidMappings = c.UIDMappings, c.GIDMappings
			attr.GidMappingsEnableSetgroups = true
			// Be root inside: this process's ids are outside the maps.
			attr.Credential = &syscall.Credential{Uid: 0, Gid: 0}
		case c.MapRootUser:
			attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
			attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
			attr.GidMappingsEnableSetgroups = false
		default:
			attr.AmbientCaps = []uintptr{unix.CAP_SYS_ADMIN, unix.CAP_SYS_TIME}
		}
	}
	return attr
}

// sealedMemfd returns a memfd holding text, sealed against any change.
func sealedMemfd(text string) (*os.File, error) {
	fd, err := unix.MemfdCreate("nsdive-child", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("unshare: memfd_create: %w", err)
	}
	f := os.NewFile(uintptr(fd), "nsdive-child")
	if _, err := io.WriteString(f, text); err != nil {
		f.Close()
		return nil, fmt.Errorf("unshare: write request: %w", err)
	}
	if _, err := unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, seals); err != nil {
		f.Close()
		return nil, fmt.Errorf("unshare: seal request: %w", err)
	}
	return f, nil
}

const seals = unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE

// serve is the parent's half of the protocol: it waits for the child's
// word that the namespaces are ready, runs ready, tells the child to go
// on or to stop, then waits for the end of the conversation (the
// command's exec closes the child's end), and returns the first failure.
func serve(conn *os.File, ready func(map[int]*os.File) (func() error, error)) error {
	msg, fds, err := recv(conn)
	if err != nil || msg == "" {
		return err // the child never got that far: Cmd's error says why
	}
	files := make(map[int]*os.File)
	for _, fd := range fds {
		f := os.NewFile(uintptr(fd), "namespace")
		flag, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
		if err == nil {
			files[flag] = f
		} else {
			f.Close()
		}
	}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	if msg != "ready" {
		return &Error{Msg: msg, Status: 1}
	}
	var undo func() error
	if ready != nil {
		undo, err = ready(files)
	}
	if err != nil {
		send(conn, "stop")
		return err
	}
	if err := send(conn, "go"); err != nil {
		return undoJoin(fmt.Errorf("unshare: tell the child to go on: %w", err), undo)
	}
	msg, _, err = recv(conn)
	if err != nil || msg == "" {
		return err
	}
	status, text, _ := strings.Cut(msg, " ")
	e := &Error{Msg: text, Status: 1}
	if n, err := strconv.Atoi(status); err == nil {
		e.Status = n
	}
	return undoJoin(e, undo)
}

// undoJoin runs undo, when there is one, and joins its error to err.
func undoJoin(err error, undo func() error) error {
	if undo == nil {
		return err
	}
	return errors.Join(err, undo())
}

// Finish closes what the child inherited and returns the error that says
// how it ended: the child's *Error, Ready's error, or runErr, the error
// of running Cmd (an *exec.ExitError when the command failed).
func (p *Prepared) Finish(runErr error) error {
	err := p.Started()
	p.parent.Close()
	if err != nil {
		return err
	}
	return runErr
}

// Started waits until the command runs, or the init is ready for
// signals, and returns the child's failure when it did not get that far.
// Call it after Cmd.Start (it closes this process's copies of what the
// child inherited), from one goroutine; Finish calls it too.
func (p *Prepared) Started() error {
	for _, f := range p.files {
		f.Close()
	}
	p.files = nil
	<-p.served
	return p.serveErr
}
