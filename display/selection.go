package display

import (
	"fmt"
	"slices"

	"github.com/nsdive/nsdive/inspect"
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
// It fails when the process asked for is not in the snapshot.
func (s Selection) Namespaces(snap *inspect.Snapshot) ([]*inspect.Namespace, error) {
	var proc *inspect.Process
	if s.PID != 0 {
		proc = snap.Processes[s.PID]
		if proc == nil {
			return nil, fmt.Errorf("process %d not found: it may have exited, or live in a pid namespace this /proc does not show", s.PID)
		}
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
	return out, nil
}
