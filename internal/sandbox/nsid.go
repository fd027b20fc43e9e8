package sandbox

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// ID identifies a namespace as the kernel does: the nsfs device and inode.
type ID struct{ Dev, Ino uint64 }

// IsZero reports whether the ID is unset.
func (id ID) IsZero() bool { return id == ID{} }

// IDAt returns the namespace an nsfs file or /proc link names, or the zero
// ID when it cannot be read.
func IDAt(path string) ID {
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil {
		return ID{}
	}
	return ID{st.Dev, st.Ino}
}

// IDOf returns the namespace of type typ ("net", "pid_for_children", ...)
// of process pid, or the zero ID.
func IDOf(pid int, typ string) ID {
	return IDAt(fmt.Sprintf("/proc/%d/ns/%s", pid, typ))
}
