package actions

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/nsdive/nsdive/inspect"
)

// Run makes the namespaces, persists those asked for, runs the command in
// them and waits for it. Its error is an *exec.ExitError when the command
// ran and failed. The persisted files stay when the command ends: they
// are the point of persisting; when anything fails before the command
// runs, they are removed and the command's process killed.
//
// nsdive passes on SIGTERM and SIGHUP to the command; SIGINT and SIGQUIT
// come from the terminal, which sends them to the command too, so nsdive
// only outlives them to report the command's status.
//
// The handshake with the re-executed nsdive (unshare_child.go): nsdive
// writes the config on one pipe; the child makes its time namespace and
// says "ready" on the other; nsdive persists the namespaces, then writes
// "go", and the child sets up the rest and execs the command. A child
// that fails says why on stderr and exits before "ready" or "go".
func (u *Unshared) Run() error {
	cmd := u.command()
	nonce := make([]byte, 16)
	rand.Read(nonce)
	config := childConfig{
		Nonce:       hex.EncodeToString(nonce),
		NewTime:     u.opts.Types.Has(inspect.Time),
		Propagation: u.opts.Propagation,
		MountProc:   u.opts.MountProc,
		Hostname:    u.opts.Hostname,
		Monotonic:   int64(u.opts.Monotonic.Seconds()),
		Boottime:    int64(u.opts.Boottime.Seconds()),
		Args:        u.opts.Args,
	}
	if !u.opts.Types.Has(inspect.Mnt) {
		config.Propagation = PropagationUnchanged
	}
	toChild, childIn, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("unshare: %w", err)
	}
	defer childIn.Close()
	fromChild, childOut, err := os.Pipe()
	if err != nil {
		toChild.Close()
		return fmt.Errorf("unshare: %w", err)
	}
	defer fromChild.Close()
	cmd.ExtraFiles = []*os.File{toChild, childOut}
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, childEnv+"=")
	}), childEnv+"="+config.Nonce)

	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT)
	defer signal.Stop(signals)

	err = cmd.Start()
	toChild.Close()
	childOut.Close()
	if err != nil {
		return startError(err)
	}
	if err := u.prepare(cmd.Process.Pid, config, childIn, fromChild); err != nil {
		cmd.Process.Kill()
		waitErr := cmd.Wait()
		if errors.Is(err, errChildGone) {
			return waitErr // the child said why on stderr
		}
		return err
	}

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case err := <-done:
			return err
		case sig := <-signals:
			if sig == syscall.SIGTERM || sig == syscall.SIGHUP {
				cmd.Process.Signal(sig)
			}
		}
	}
}

// errChildGone says the re-executed nsdive ended before the command ran.
var errChildGone = errors.New("the command's process ended before it ran")

// prepare sends the child its config, waits for its time namespace,
// persists the namespaces and tells it to go on. The persisted files are
// removed when it fails.
func (u *Unshared) prepare(pid int, config childConfig, in *os.File, out *os.File) error {
	if err := json.NewEncoder(in).Encode(config); err != nil {
		return errChildGone
	}
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != childReady {
		return errChildGone
	}
	if err := u.persistIn(pid); err != nil {
		return err
	}
	if _, err := in.WriteString(childGo); err != nil {
		return errors.Join(errChildGone, u.persist.Undo())
	}
	return in.Close()
}

// persistIn bind-mounts the namespaces of the child pid, which was made
// in them, at the files asked for. Its time namespace is still its
// time_for_children until it execs the command.
func (u *Unshared) persistIn(pid int) error {
	if len(u.opts.Persist) == 0 {
		return nil
	}
	target, err := TargetPID(pid)
	if err != nil {
		return err
	}
	specs := slices.Clone(u.opts.Persist)
	for i, s := range specs {
		specs[i].ForChildren = s.Type == inspect.Time
	}
	a, err := Persist(target, specs)
	if err != nil {
		return err
	}
	if err := a.Run(); err != nil {
		return err
	}
	u.persist = a
	return nil
}

// startError says what to do when the kernel refused the new namespaces.
func startError(err error) error {
	if errors.Is(err, syscall.EPERM) {
		return fmt.Errorf("unshare: %w: run as root, or add --user --map-root-user", err)
	}
	if errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("unshare: %w: this kernel lacks a namespace type asked for", err)
	}
	return fmt.Errorf("unshare: %w", err)
}
