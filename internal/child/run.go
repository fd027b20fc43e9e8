package child

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// init runs the child when this binary was started as one. Package
// initialisation runs on the main thread, the thread group leader, which
// the time namespace's offsets file names and whose exec enters it.
func init() {
	env := os.Getenv(marker)
	os.Unsetenv(marker)
	if len(os.Args) < 2 || os.Args[1] != ArgChild {
		return
	}
	s, err := readRequest(env)
	if err != nil {
		fmt.Fprintf(os.Stderr, "nsdive: %s is internal to nsdive unshare and needs its request: %v\n", ArgChild, err)
		os.Exit(1)
	}
	if len(os.Args) == 3 && os.Args[2] == ArgInit {
		os.Exit(reap(os.NewFile(4, "nsdive-child")))
	}
	os.Exit(run(s, env))
}

// readRequest reads and checks the request that env ("FD:NONCE") names.
func readRequest(env string) (spec, error) {
	var s spec
	fdText, nonce, ok := strings.Cut(env, ":")
	fd, err := strconv.Atoi(fdText)
	if !ok || err != nil || fd < 3 || len(nonce) != 32 {
		return s, fmt.Errorf("no valid %s in the environment", marker)
	}
	got, err := unix.FcntlInt(uintptr(fd), unix.F_GET_SEALS, 0)
	if err != nil || got != seals {
		return s, fmt.Errorf("descriptor %d is not the sealed request", fd)
	}
	buf := make([]byte, 1<<20)
	n, err := unix.Pread(fd, buf, 0)
	if err != nil {
		return s, fmt.Errorf("read the request: %w", err)
	}
	body, ok := bytes.CutPrefix(buf[:n], []byte(magic+nonce+"\n"))
	if !ok {
		return s, errors.New("the request is not for this child")
	}
	if err := json.Unmarshal(body, &s); err != nil {
		return s, fmt.Errorf("decode the request: %w", err)
	}
	unix.CloseOnExec(fd)
	return s, nil
}

// run sets up the namespaces, tells the parent, and execs the command, or
// this binary again as an init. It returns only on failure, with the
// status to exit with, once the parent knows why.
func run(s spec, env string) int {
	conn := os.NewFile(4, "nsdive-child")
	unix.CloseOnExec(4)
	path, lookErr := "", error(nil)
	if len(s.Args) > 0 {
		path, lookErr = exec.LookPath(s.Args[0])
	}
	err := setup(s)
	if err == nil {
		err = unshareForChildren(s)
	}
	if err != nil {
		send(conn, err.Error())
		return 1
	}
	var fds []int
	for _, f := range handOrder {
		if s.Hand&f.flag == 0 {
			continue
		}
		fd, err := unix.Open("/proc/self/ns/"+f.link, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			send(conn, fmt.Sprintf("open the new %s namespace: %v", f.link, err))
			return 1
		}
		fds = append(fds, fd)
	}
	if err := send(conn, "ready", fds...); err != nil {
		return 1
	}
	for _, fd := range fds {
		unix.Close(fd)
	}
	if msg, _, err := recv(conn); err != nil || msg != "go" {
		return 1 // the parent stopped it and says why
	}
	// The command gets no capability the exec would not give it.
	unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
	if len(s.Args) == 0 {
		return execInit(s, env, conn)
	}
	err = lookErr
	if err == nil {
		err = syscall.Exec(path, s.Args, os.Environ())
	}
	status := "127"
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, unix.ENOEXEC) {
		status = "126"
	}
	send(conn, fmt.Sprintf("%s %s: %v", status, s.Args[0], unwrapExec(err)))
	return 1
}

// unwrapExec leaves out what exec.LookPath repeats of its argument.
func unwrapExec(err error) error {
	var e *exec.Error
	if errors.As(err, &e) {
		if errors.Is(e.Err, exec.ErrNotFound) {
			return errors.New("command not found")
		}
		return e.Err
	}
	return err
}

// handOrder are the namespaces the child can hand over, with the link
// that names the new one: pid and time are those of its children.
var handOrder = []struct {
	flag int
	link string
}{
	{unix.CLONE_NEWUSER, "user"}, {unix.CLONE_NEWCGROUP, "cgroup"}, {unix.CLONE_NEWIPC, "ipc"},
	{unix.CLONE_NEWUTS, "uts"}, {unix.CLONE_NEWNET, "net"}, {unix.CLONE_NEWPID, "pid_for_children"},
	{unix.CLONE_NEWNS, "mnt"}, {unix.CLONE_NEWTIME, "time_for_children"},
}

// setup does, inside the new namespaces, what unshare(1) does between
// its unshare and its exec, but for the namespaces of children.
func setup(s spec) error {
	if s.CgroupLate {
		if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
			return fmt.Errorf("unshare the cgroup namespace: %w", err)
		}
	}
	if s.Flags&unix.CLONE_NEWNS != 0 && s.Propagation != 0 {
		if err := unix.Mount("none", "/", "", s.Propagation|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("change the propagation of /: %w", err)
		}
	}
	if s.MountProc != "" {
		if s.Propagation != unix.MS_PRIVATE {
			err := unix.Mount("none", s.MountProc, "", unix.MS_PRIVATE|unix.MS_REC, "")
			if err != nil && !errors.Is(err, unix.EINVAL) {
				return fmt.Errorf("make %s private: %w", s.MountProc, err)
			}
		}
		if err := unix.Mount("proc", s.MountProc, "proc", unix.MS_NOSUID|unix.MS_NOEXEC|unix.MS_NODEV, ""); err != nil {
			return fmt.Errorf("mount proc at %s: %w", s.MountProc, err)
		}
	}
	if s.Hostname != "" {
		if err := unix.Sethostname([]byte(s.Hostname)); err != nil {
			return fmt.Errorf("set the hostname: %w", err)
		}
	}
	return nil
}

// unshareForChildren makes the pid and time namespaces that the exec
// enters (time) or the command's children get (pid without Fork), and
// sets the time offsets before anything is in it. It must run on the
// thread that execs, last: the kernel refuses a thread whose namespaces
// for children differ from its own to create threads, which the Go
// runtime in this process may then no longer do from it.
func unshareForChildren(s spec) error {
	if s.Flags&unix.CLONE_NEWPID != 0 && !s.Fork {
		if err := unix.Unshare(unix.CLONE_NEWPID); err != nil {
			return fmt.Errorf("unshare the pid namespace: %w", err)
		}
	}
	if s.Flags&unix.CLONE_NEWTIME == 0 {
		return nil
	}
	if err := unix.Unshare(unix.CLONE_NEWTIME); err != nil {
		return fmt.Errorf("unshare the time namespace: %w", err)
	}
	if s.Monotonic == 0 && s.Boottime == 0 {
		return nil
	}
	offsets := fmt.Sprintf("%d %d 0\n%d %d 0\n", unix.CLOCK_MONOTONIC, s.Monotonic, unix.CLOCK_BOOTTIME, s.Boottime)
	fd, err := unix.Open("/proc/self/timens_offsets", unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err == nil {
		_, err = unix.Write(fd, []byte(offsets))
		unix.Close(fd)
	}
	if err != nil {
		return fmt.Errorf("set the time offsets: %w", err)
	}
	return nil
}

// execInit execs this binary again as the init, so that it is in the
// time namespace too; it keeps the request for the init's check.
func execInit(s spec, env string, conn *os.File) int {
	fdText, _, _ := strings.Cut(env, ":")
	fd, _ := strconv.Atoi(fdText)
	for _, keep := range []int{fd, int(conn.Fd())} {
		if _, err := unix.FcntlInt(uintptr(keep), unix.F_SETFD, 0); err != nil {
			send(conn, fmt.Sprintf("1 keep descriptor %d for the init: %v", keep, err))
			return 1
		}
	}
	name := s.InitName
	if name == "" {
		name = "nsdive-init"
	}
	environ := append(slices.Clone(os.Environ()), marker+"="+env)
	err := syscall.Exec("/proc/self/exe", []string{name, ArgChild, ArgInit}, environ)
	send(conn, fmt.Sprintf("1 exec the init: %v", err))
	return 1
}

// reap is the init: it reaps every child it inherits and exits on
// SIGTERM or SIGINT. Being pid 1 of a pid namespace, it gets only the
// signals it handles. Closing conn tells the parent it handles them.
func reap(conn *os.File) int {
	// Its command name is "exe", from /proc/self/exe; ps, lsns and the
	// explorer show its own name instead (lab-web). Only a name too long
	// for comm could fail, and that is cosmetic.
	os.WriteFile("/proc/self/comm", []byte(filepath.Base(os.Args[0])), 0)
	signals := make(chan os.Signal, 16)
	signal.Notify(signals, unix.SIGTERM, unix.SIGINT, unix.SIGCHLD)
	conn.Close()
	for {
		for {
			var ws unix.WaitStatus
			pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
		if sig := <-signals; sig != unix.SIGCHLD {
			return 0
		}
	}
}
