package actions

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// startError is a command that did not start.
type startError struct{ err error }

func (e startError) Error() string { return e.err.Error() }

// runAsShellWould runs cmd on nsdive's standard streams until it ends,
// as a shell runs a command it waits for: the terminal's SIGINT and
// SIGQUIT, which reach the command too, are ignored; SIGTERM and SIGHUP
// are passed on. A failure to start is a startError.
func runAsShellWould(cmd *exec.Cmd) error {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(signals)
	if err := cmd.Start(); err != nil {
		return startError{err}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-signals:
			if sig == syscall.SIGTERM || sig == syscall.SIGHUP {
				cmd.Process.Signal(sig)
			}
		case err := <-done:
			return err
		}
	}
}
