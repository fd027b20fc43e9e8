package demo

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nsdive/nsdive/internal/nsfile"
	"golang.org/x/sys/unix"
)

// The lab's processes are nsdive re-executed with argv[1] = roleArg and
// markerEnv set; descriptor 3 is a pipe on which the process says "ready"
// once set up, or why it failed.
const (
	roleArg   = "--nsdive-lab-process"
	markerEnv = "_NSDIVE_LAB"
	ready     = "ready"
)

// roleKeeper is the role of the lab's keeper, which holds a uts
// namespace by a descriptor.
const roleKeeper = "keeper"

// init becomes a lab process when this binary was started as one: the
// keeper. The containers are the
// re-executed nsdive of nsdive unshare (internal/child).
func init() {
	if len(os.Args) != 3 || os.Args[1] != roleArg || os.Getenv(markerEnv) != "1" {
		return
	}
	ready := os.NewFile(3, "ready")
	err := become(os.Args[2], ready)
	fmt.Fprintf(ready, "%s: %v\n", os.Args[0], err)
	os.Exit(1)
}

// become does the role's work; it returns only on failure.
func become(role string, readyPipe *os.File) error {
	switch role {
	case roleKeeper:
		fd, err := holdUTS()
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		fmt.Fprintln(readyPipe, ready)
		readyPipe.Close()
		return reap()
	}
	return fmt.Errorf("unknown role %q", role)
}

// unescape undoes mountinfo's octal escapes (\040 for a space).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// holdUTS makes a uts namespace named HeldHostname on a thread that then
// ends, and returns a descriptor of it: the only thing that keeps it.
func holdUTS() (int, error) {
	return nsfile.New(unix.CLONE_NEWUTS, func() error {
		if err := unix.Sethostname([]byte(HeldHostname)); err != nil {
			return fmt.Errorf("set its hostname: %w", err)
		}
		return nil
	})
}

// reap reaps the children it inherits until SIGTERM or SIGINT; as pid 1
// of a pid namespace, it gets only the signals it handles.
func reap() error {
	signals := make(chan os.Signal, 16)
	signal.Notify(signals, unix.SIGTERM, unix.SIGINT, unix.SIGCHLD)
	for {
		for {
			var ws unix.WaitStatus
			if pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil); pid <= 0 || err != nil {
				break
			}
		}
		if sig := <-signals; sig != unix.SIGCHLD {
			os.Exit(0)
		}
	}
}

// readyTimeout is how long a lab process may take to set up.
const readyTimeout = 20 * time.Second

// startProcess starts a lab process of role, named name (its argv[0] and
// command name), in the namespaces attr makes, in a session of its own,
// and waits until it says it is ready. A process that fails is killed.
// Its exit is reaped in the background while this process runs.
func startProcess(role, name string, attr *syscall.SysProcAttr) (*os.Process, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	defer r.Close()
	attr.Setsid = true
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, markerEnv+"=") })
	cmd := &exec.Cmd{
		Path:        "/proc/self/exe",
		Args:        []string{name, roleArg, role},
		Env:         append(env, markerEnv+"=1"),
		ExtraFiles:  []*os.File{w},
		SysProcAttr: attr,
	}
	err = cmd.Start()
	w.Close()
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go cmd.Wait()
	_ = r.SetReadDeadline(time.Now().Add(readyTimeout))
	line, err := bufio.NewReader(r).ReadString('\n')
	if line = strings.TrimSuffix(line, "\n"); line != ready {
		_ = cmd.Process.Kill()
		if line == "" {
			line = fmt.Sprintf("ended before it was ready (%v)", err)
		}
		return nil, fmt.Errorf("start %s: %s", name, line)
	}
	return cmd.Process, nil
}
