package actions

import (
	"fmt"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/inside"
	"golang.org/x/sys/unix"
)

// maxHostname is the longest hostname the kernel keeps (__NEW_UTS_LEN).
const maxHostname = 64

// CheckHostname fails unless name is a hostname sethostname(2) takes and
// resolvers read back: 1 to 64 characters, letters, digits, '-', '_' and
// '.', not starting with '-' or '.'.
func CheckHostname(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("hostname is empty: give 1 to %d characters", maxHostname)
	case len(name) > maxHostname:
		return fmt.Errorf("hostname %.20q… has %d bytes: the kernel keeps at most %d", name, len(name), maxHostname)
	case name[0] == '-' || name[0] == '.':
		return fmt.Errorf("hostname %q starts with %q: start with a letter or digit", name, name[0])
	}
	for _, c := range []byte(name) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("hostname %q has %q: use letters, digits, '-', '_' and '.'", name, c)
		}
	}
	return nil
}

// SetHostname returns the action that sets the hostname of target's uts
// namespace to name; its undo sets the old one back.
//
// Equivalent to: nsenter -t PID -u hostname NAME
func SetHostname(target Target, name string) (*Action, error) {
	if err := CheckHostname(name); err != nil {
		return nil, err
	}
	if err := target.Check(); err != nil {
		return nil, err
	}
	var old string
	return &Action{
		Description: fmt.Sprintf("set the hostname of %s", target),
		Steps: []Step{{
			Command: fmt.Sprintf("nsenter -t %d -u hostname %s", target.PID, name),
			Do: func() error {
				return inUTS(target, func() error {
					var uts unix.Utsname
					if err := unix.Uname(&uts); err != nil {
						return fmt.Errorf("uname: %w", err)
					}
					old = unix.ByteSliceToString(uts.Nodename[:])
					return sethostname(name)
				})
			},
			Undo: func() error {
				return inUTS(target, func() error { return sethostname(old) })
			},
		}},
	}, nil
}

// inUTS runs fn on a thread that has joined target's uts namespace.
func inUTS(target Target, fn func() error) error {
	fd, err := target.Open(inspect.UTS)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return inside.Run(fmt.Sprintf("/proc/self/fd/%d", fd), unix.CLONE_NEWUTS, fn)
}

// sethostname sets the calling thread's uts namespace's hostname.
func sethostname(name string) error {
	if err := unix.Sethostname([]byte(name)); err != nil {
		return needRoot(fmt.Errorf("sethostname %s: %w", name, err))
	}
	return nil
}
