package actions

import (
	"errors"
	"fmt"
	"io/fs"

	"golang.org/x/sys/unix"
)

// needRoot adds what to do to an error the kernel gave for a missing
// privilege (EPERM, EACCES): run as root.
func needRoot(err error) error {
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, unix.EPERM) {
		return fmt.Errorf("%w: run as root", err)
	}
	return err
}
