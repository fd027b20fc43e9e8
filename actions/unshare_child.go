package actions

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// The re-executed nsdive that becomes an unshared command is started with
// this argv[0], nothing else, and childEnv set to a random nonce; its
// descriptor 3 is a pipe on which nsdive writes a childConfig with the
// same nonce, then childGo; on descriptor 4 it answers childReady. All
// must agree before it acts, so no ordinary run of nsdive can trigger it.
const (
	childArg0  = "nsdive-unshare-child"
	childEnv   = "_NSDIVE_UNSHARE"
	childReady = "ready\n"
	childGo    = "go\n"
)

// init keeps the re-executed child's main goroutine on the main thread,
// whose namespaces are the process's: it unshares its time namespace
// there and execs from there.
func init() {
	if os.Getenv(childEnv) != "" {
		runtime.LockOSThread()
	}
}

// childConfig is what the re-executed nsdive does in its new namespaces
// before it execs the command.
type childConfig struct {
	Nonce       string
	NewTime     bool
	Propagation string
	MountProc   string
	Hostname    string
	Monotonic   int64 // seconds
	Boottime    int64 // seconds
	Args        []string
}

// RunChildIfAsked becomes the unshared command when this process is the
// re-executed nsdive that Unshared.Run started, and returns at once
// otherwise. main calls it first. It never returns when it acts: it
// execs the command, or exits with status 1 (126 or 127 when the command
// cannot run, as shells do) after one line on stderr.
func RunChildIfAsked() {
	nonce, set := os.LookupEnv(childEnv)
	if !set {
		return
	}
	os.Unsetenv(childEnv)
	if len(os.Args) != 1 || os.Args[0] != childArg0 {
		return // set by accident, or inherited: ignore it
	}
	err := runChild(nonce)
	fmt.Fprintf(os.Stderr, "nsdive unshare: %v\n", err)
	var failed execError
	if errors.As(err, &failed) {
		os.Exit(failed.status)
	}
	os.Exit(1)
}

// runChild reads the config, makes the time namespace, says it is ready,
// waits for nsdive to persist the namespaces, sets up and execs the
// command. It returns only on failure.
func runChild(nonce string) error {
	in, out, err := childPipes()
	if err != nil {
		return err
	}
	config, err := readChildConfig(in, nonce)
	if err != nil {
		return err
	}
	if config.NewTime {
		if err := config.unshareTime(); err != nil {
			return err
		}
	}
	if _, err := out.WriteString(childReady); err != nil {
		return fmt.Errorf("say ready: %w", err)
	}
	out.Close()
	if line, err := in.ReadString('\n'); err != nil || line != childGo {
		return errors.New("nsdive ended before the command could run")
	}
	if err := config.setUp(); err != nil {
		return err
	}
	return config.exec()
}

// execError is a command that could not run, with the status a shell
// gives that: 127 when it is not found, 126 otherwise.
type execError struct {
	msg    string
	status int
}

func (e execError) Error() string { return e.msg }

// childPipes returns descriptors 3 and 4, which must be pipes.
func childPipes() (*bufio.Reader, *os.File, error) {
	for _, fd := range []int{3, 4} {
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
			return nil, nil, errors.New("started without its pipes")
		}
	}
	return bufio.NewReader(os.NewFile(3, "config")), os.NewFile(4, "ready"), nil
}

// readChildConfig reads the config, one line of JSON, and checks its
// nonce.
func readChildConfig(in *bufio.Reader, nonce string) (childConfig, error) {
	line, err := in.ReadBytes('\n')
	if err != nil {
		return childConfig{}, fmt.Errorf("read config: %w", err)
	}
	var config childConfig
	if err := json.Unmarshal(line, &config); err != nil {
		return childConfig{}, fmt.Errorf("read config: %w", err)
	}
	if config.Nonce != nonce || nonce == "" {
		return childConfig{}, errors.New("config from another nsdive")
	}
	return config, nil
}

// unshareTime makes a time namespace for the command and sets its
// offsets, on the main thread, which the init above keeps this goroutine
// on: unshare(2) changes the calling thread's time namespace for
// children, and the thread that execs takes it.
func (c childConfig) unshareTime() error {
	if unix.Gettid() != os.Getpid() {
		// /proc/self/timens_offsets is the main thread's.
		return errors.New("unshare the time namespace: not on the main thread")
	}
	if err := unix.Unshare(unix.CLONE_NEWTIME); err != nil {
		return fmt.Errorf("unshare the time namespace: %w", err)
	}
	if c.Monotonic == 0 && c.Boottime == 0 {
		return nil
	}
	offsets := fmt.Sprintf("monotonic %d 0\nboottime %d 0\n", c.Monotonic, c.Boottime)
	if err := os.WriteFile("/proc/self/timens_offsets", []byte(offsets), 0); err != nil {
		return fmt.Errorf("set the clocks' offsets: %w", err)
	}
	return nil
}

// setUp does what the new namespaces need before the command: the mounts'
// propagation, a proc filesystem, the host name, the clocks' offsets.
func (c childConfig) setUp() error {
	if flag, ok := propagationFlags[c.Propagation]; ok {
		if err := unix.Mount("none", "/", "", flag|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("make / %s: %w", c.Propagation, err)
		}
	}
	if c.MountProc != "" {
		if err := unix.Mount("none", c.MountProc, "", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("make %s private: %w", c.MountProc, err)
		}
		if err := unix.Mount("proc", c.MountProc, "proc", unix.MS_NOSUID|unix.MS_NOEXEC|unix.MS_NODEV, ""); err != nil {
			return fmt.Errorf("mount proc at %s: %w", c.MountProc, err)
		}
	}
	if c.Hostname != "" {
		if err := unix.Sethostname([]byte(c.Hostname)); err != nil {
			return fmt.Errorf("set host name %q: %w", c.Hostname, err)
		}
	}
	return nil
}

// exec replaces this process with the command; it returns only when that
// failed.
func (c childConfig) exec() error {
	path, err := exec.LookPath(c.Args[0])
	if err != nil {
		return execError{fmt.Sprintf("%s: command not found", c.Args[0]), 127}
	}
	err = syscall.Exec(path, c.Args, os.Environ())
	failed := execError{fmt.Sprintf("run %s: %v", path, err), 126}
	if errors.Is(err, syscall.ENOENT) {
		failed.status = 127
	}
	return failed
}
