package display

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/nsdive/nsdive/inspect"
)

// Why a selection or a process asked about could not be shown; the
// errors Selection.Namespaces and ProcessError return match one of them.
var (
	// ErrNoProcess: the process is not in the snapshot.
	ErrNoProcess = errors.New("process not found")
	// ErrGone: the process has exited, or is a zombie, since its
	// namespaces went with it.
	ErrGone = errors.New("process has exited")
	// ErrDenied: the process is there but its namespaces could not be
	// read, for lack of permission.
	ErrDenied = errors.New("permission denied")
	// ErrNoNamespace: no namespace of the snapshot has the inode asked for.
	ErrNoNamespace = errors.New("namespace not found")
)

// Selection picks namespaces as lsns's -t, -p and NAMESPACE argument do;
// its zero value picks every namespace.
type Selection struct {
	Types []inspect.Type // only these types; all when empty
	PID   int            // only the namespaces of this process; 0 for any
	Inode uint64         // only the namespace with this inode; 0 for any
	// Persistent keeps only namespaces that no process is in (lsns -P):
	// those a bind mount, a descriptor or a socket keeps alive.
	Persistent bool
}

// Namespaces returns the selected namespaces of snap ordered by inode.
// It fails when the process asked for is not in the snapshot or its
// namespaces cannot be read (see ProcessError), and when the inode asked
// for is no namespace of the types asked for.
func (s Selection) Namespaces(snap *inspect.Snapshot) ([]*inspect.Namespace, error) {
	var proc *inspect.Process
	if s.PID != 0 {
		if err := ProcessError(snap, s.PID); err != nil {
			return nil, err
		}
		proc = snap.Processes[s.PID]
	}
	var out []*inspect.Namespace
	for _, ns := range snap.SortedNamespaces() {
		if len(s.Types) > 0 && !slices.Contains(s.Types, ns.Type) {
			continue
		}
		if s.Inode != 0 && ns.ID.Ino != s.Inode {
			continue
		}
		if proc != nil && proc.Namespaces.Of(ns.Type) != ns.ID {
			continue
		}
		if s.Persistent && ns.NumProcs() != 0 {
			continue
		}
		out = append(out, ns)
	}
	if s.Inode != 0 && len(out) == 0 {
		return nil, reasonError{fmt.Sprintf("namespace %d not found", s.Inode), ErrNoNamespace}
	}
	return out, nil
}

// ProcessError says why process pid's namespaces are not in snap, or
// returns nil when they are: it is not in the snapshot (ErrNoProcess),
// it has exited or is a zombie (ErrGone), or its links were unreadable
// (ErrDenied).
func ProcessError(snap *inspect.Snapshot, pid int) error {
	p := snap.Processes[pid]
	if p == nil {
		return reasonError{fmt.Sprintf("process %d not found: it may have exited, or live in a pid namespace this /proc does not show", pid), ErrNoProcess}
	}
	if p.Namespaces != (inspect.NamespaceSet{}) {
		return nil
	}
	if err := ExitedError(snap, pid); err != nil {
		return err
	}
	return reasonError{fmt.Sprintf("cannot read the namespaces of process %d", pid), ErrDenied}
}

// ExitedError returns an error matching ErrGone when process pid has
// exited or is a zombie, and nil when it still runs. A zombie's namespace
// links and mount table are gone, and so are those of a process that is
// exiting, and the kernel then answers as it does to a denied read: ask
// before blaming permissions.
func ExitedError(snap *inspect.Snapshot, pid int) error {
	state, err := snap.ReadState(pid)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return reasonError{fmt.Sprintf("process %d has exited", pid), ErrGone}
	case err == nil && (state == 'Z' || state == 'X'):
		return reasonError{fmt.Sprintf("process %d is a zombie: it has exited, and its namespaces with it (its parent has not reaped it yet)", pid), ErrGone}
	}
	return nil
}

// reasonError is a message that matches one of the errors above without
// repeating its words.
type reasonError struct {
	msg    string
	reason error
}

func (e reasonError) Error() string { return e.msg }
func (e reasonError) Unwrap() error { return e.reason }
