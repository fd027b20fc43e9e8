package nsexec

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// marker is the environment variable that carries the request.
const marker = "_NSDIVE_NSEXEC"

// magic starts every request; a new layout gets a new version.
const magic = "nsdive-nsexec/1"

// helperArg is the helper's only argument: a binary whose constructor
// did not act on the request meets it in Go and stops (see init).
const helperArg = "--nsexec-request-was-not-run"

// ErrNoCgo says this binary was built without the constructor.
var ErrNoCgo = errors.New("joining namespaces needs nsdive built with cgo: " +
	"rebuild it with CGO_ENABLED=1 and gcc installed (go install github.com/nsdive/nsdive@latest)")

// init removes the marker from Go's copy of the environment, which the
// constructor's unsetenv does not reach, so that no process nsdive starts
// inherits one it ignored; and stops a helper whose request was not run.
func init() {
	os.Unsetenv(marker)
	if len(os.Args) == 2 && os.Args[1] == helperArg {
		fmt.Fprintln(os.Stderr, "nsdive: the namespace helper did not act on its request: rebuild nsdive with cgo")
		os.Exit(1)
	}
}

// Namespace is one namespace to join: an open nsfs descriptor and the
// CLONE_NEW* flag of its type.
type Namespace struct {
	File *os.File
	Type int
}

// Request says what to join and what to run there.
type Request struct {
	// Namespaces are joined in nsenter's order, whatever theirs.
	Namespaces []Namespace
	// Args is the command; Args[0] is looked up in PATH in the joined
	// mount namespace.
	Args []string
	// Env is the command's environment; nil for nsdive's own.
	Env []string
	// Quiet leaves out the note of which binary runs.
	Quiet bool
	// PreserveCredentials keeps uid, gid and groups in a joined user
	// namespace instead of becoming its root (nsenter's
	// --preserve-credentials).
	PreserveCredentials bool
}

// Error is a failure of the helper before the command ran: a namespace
// it could not join, credentials, a command not found.
type Error struct {
	Msg    string
	Status int // the helper's exit status: 1, or 126 and 127 as a shell's
}

// Error returns the helper's one-line message.
func (e *Error) Error() string { return e.Msg }

// Prepared is a command ready to run in namespaces.
type Prepared struct {
	// Cmd re-executes this binary; the caller sets its standard streams
	// and runs it.
	Cmd     *exec.Cmd
	files   []*os.File // what Cmd inherits, closed by Finish
	errPipe *os.File
}

// Command prepares r. It takes over the namespace files: Finish closes
// them, or Command does when it fails.
func Command(r Request) (*Prepared, error) {
	p := &Prepared{}
	for _, ns := range r.Namespaces {
		p.files = append(p.files, ns.File)
	}
	if err := p.prepare(r); err != nil {
		p.closeFiles()
		if p.errPipe != nil {
			p.errPipe.Close()
		}
		return nil, err
	}
	return p, nil
}

func (p *Prepared) prepare(r Request) error {
	if !Available {
		return ErrNoCgo
	}
	if len(r.Args) == 0 {
		return errors.New("nsexec: no command")
	}
	nonceBytes := make([]byte, 16)
	if _, err := rand.Read(nonceBytes); err != nil {
		return fmt.Errorf("nsexec: nonce: %w", err)
	}
	nonce := hex.EncodeToString(nonceBytes)

	errRead, errWrite, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("nsexec: error pipe: %w", err)
	}
	p.errPipe = errRead
	// The child's descriptors: 3 the request, 4 the error pipe, then the
	// namespaces, in ExtraFiles order.
	nsFiles := p.files
	fields := []string{magic, nonce, "4", flags(r), strconv.Itoa(len(r.Namespaces))}
	for i, ns := range r.Namespaces {
		fields = append(fields, strconv.Itoa(5+i), strconv.Itoa(ns.Type))
	}
	fields = append(fields, strconv.Itoa(len(r.Args)))
	fields = append(fields, r.Args...)
	request, err := sealedMemfd(fields)
	if err != nil {
		errWrite.Close()
		return err
	}
	p.files = append([]*os.File{request, errWrite}, nsFiles...)

	env := r.Env
	if env == nil {
		env = os.Environ()
	}
	env = slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, marker+"=") })
	p.Cmd = &exec.Cmd{
		Path:       "/proc/self/exe",
		Args:       []string{"nsdive", helperArg},
		Env:        append(env, marker+"=3:"+nonce),
		ExtraFiles: p.files,
	}
	return nil
}

// flags encodes the request's flags as the constructor reads them.
func flags(r Request) string {
	f := ""
	if r.Quiet {
		f += "q"
	}
	if r.PreserveCredentials {
		f += "p"
	}
	if f == "" {
		f = "-"
	}
	return f
}

// sealedMemfd returns a memfd holding fields, each ending in a NUL,
// sealed against any change.
func sealedMemfd(fields []string) (*os.File, error) {
	fd, err := unix.MemfdCreate("nsdive-nsexec", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("nsexec: memfd_create: %w", err)
	}
	f := os.NewFile(uintptr(fd), "nsdive-nsexec")
	if _, err := io.WriteString(f, strings.Join(fields, "\x00")+"\x00"); err != nil {
		f.Close()
		return nil, fmt.Errorf("nsexec: write request: %w", err)
	}
	seals := unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, seals); err != nil {
		f.Close()
		return nil, fmt.Errorf("nsexec: seal request: %w", err)
	}
	return f, nil
}

func (p *Prepared) closeFiles() {
	for _, f := range p.files {
		f.Close()
	}
	p.files = nil
}

// Finish closes what the command inherited and returns the helper's
// *Error when it failed before running the command, or else runErr, the
// error of running Cmd. Call it once Cmd has ended, or failed to start.
func (p *Prepared) Finish(runErr error) error {
	p.closeFiles()
	if p.errPipe == nil {
		return runErr
	}
	msg, readErr := io.ReadAll(p.errPipe)
	p.errPipe.Close()
	p.errPipe = nil
	if readErr != nil {
		return errors.Join(runErr, fmt.Errorf("nsexec: read error pipe: %w", readErr))
	}
	if len(msg) == 0 {
		return runErr
	}
	status := 1
	if ps := p.Cmd.ProcessState; ps != nil && ps.ExitCode() > 0 {
		status = ps.ExitCode()
	}
	return &Error{Msg: string(msg), Status: status}
}
