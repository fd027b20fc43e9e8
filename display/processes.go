package display

import (
	"fmt"
	"strconv"

	"github.com/nsdive/nsdive/inspect"
)

// LinkColumn is one namespace link column of the process table.
type LinkColumn struct {
	Header string
	Link   inspect.Link
}

// LinkColumns are the namespace columns of the process table, in
// /proc/PID/ns order.
var LinkColumns = []LinkColumn{
	{"CGROUP", inspect.LinkCgroup}, {"IPC", inspect.LinkIPC}, {"MNT", inspect.LinkMnt},
	{"NET", inspect.LinkNet}, {"PID", inspect.LinkPID}, {"PIDCHLD", inspect.LinkPIDForChildren},
	{"TIME", inspect.LinkTime}, {"TIMECHLD", inspect.LinkTimeForChildren},
	{"USER", inspect.LinkUser}, {"UTS", inspect.LinkUTS},
}

// NotInitialMark prefixes a link that is not the host's initial namespace.
const NotInitialMark = "*"

// IsNotInitial reports whether process p's link l points at a namespace
// other than the host's initial one of its type; false when either is
// unknown.
func IsNotInitial(snap *inspect.Snapshot, p *inspect.Process, l inspect.Link) bool {
	id := p.Namespaces[l]
	return !id.IsZero() && !snap.Initial[l].IsZero() && id != snap.Initial[l]
}

// LinkText shows one namespace link of a process: its inode, marked with
// NotInitialMark when it is not the initial namespace, "-" when unreadable.
func LinkText(snap *inspect.Snapshot, p *inspect.Process, l inspect.Link) string {
	id := p.Namespaces[l]
	switch {
	case id.IsZero():
		return "-"
	case IsNotInitial(snap, p, l):
		return NotInitialMark + id.String()
	}
	return id.String()
}

// PIDText shows a task's pid, as "a/b" for thread b of process a.
func PIDText(p *inspect.Process) string {
	if p.IsThread() {
		return fmt.Sprintf("%d/%d", p.TGID, p.PID)
	}
	return strconv.Itoa(p.PID)
}

// UserText names the owner of p, "?" when unknown; users nil means
// SystemUsers.
func UserText(users *Users, p *inspect.Process) string {
	if p.UID < 0 {
		return "?"
	}
	if users == nil {
		users = SystemUsers
	}
	return users.Name(p.UID)
}
