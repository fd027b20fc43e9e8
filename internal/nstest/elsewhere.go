package nstest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// MountedElsewhere is a network namespace bound on a file in a mount
// namespace of its own: there the file is the namespace, in every other
// mount namespace an ordinary empty file.
type MountedElsewhere struct {
	Net  ID     // the bound network namespace, which no process is in
	Mnt  ID     // the mount namespace the bind mount is in
	Path string // the file it is bound on
	PID  int    // the sleep that keeps Mnt alive
}

// StartMountedElsewhere binds a new network namespace on a file in a new,
// private mount namespace that a sleep keeps alive; the cleanup kills the
// sleep, which ends the mount namespace and with it the bind mount and the
// network namespace.
//
// Equivalent to: touch FILE; unshare --mount --propagation private sh -c 'unshare --net=FILE true && exec sleep 1000'
//
// It runs unshare, as tests may: the namespaces are a process's, made by
// clone or unshare in that process, and the lab's processes in new
// namespaces are nsdive re-executed (internal/child), which a test binary
// is not. The bind mount is the kind internal/nsfile makes.
func StartMountedElsewhere(t testing.TB) *MountedElsewhere {
	t.Helper()
	path := filepath.Join(t.TempDir(), "netns")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p := Start(t, "unshare", "--mount", "--propagation", "private", "sh", "-c",
		"unshare --net="+path+" true && exec sleep 1000")
	m := &MountedElsewhere{Path: path, PID: p.PID()}
	self := MustIDAt(t, "/proc/self/ns/mnt")
	p.WaitUntil(t, "unshare --net="+path+" to bind a net namespace and sh to exec sleep", func() bool {
		mountinfo, _ := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", m.PID))
		m.Mnt = IDOf(m.PID, "mnt")
		return Comm(m.PID) == "sleep" && !m.Mnt.IsZero() && m.Mnt != self &&
			strings.Contains(string(mountinfo), " "+path+" ")
	})
	m.Net = MustIDAt(t, fmt.Sprintf("/proc/%d/root%s", m.PID, path))
	if IDAt(path) == m.Net {
		p.Fatalf(t, "%s is the bound namespace in the test's own mount namespace too, want an ordinary file there", path)
	}
	return m
}
