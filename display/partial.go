package display

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/nsdive/nsdive/inspect"
)

// Partial summarises what a scan could not read: processes whose
// namespace links were unreadable count in no namespace.
type Partial struct {
	Unreadable int   // processes whose links could not be read
	Total      int   // processes seen, threads left out
	PIDs       []int // the unreadable pids, sorted, when there are at most three
	// Privileged is true when the reader is root, who can read every
	// process but the few that hold capabilities it lacks.
	Privileged bool
}

// PartialOf summarises snap's unreadable processes.
func PartialOf(snap *inspect.Snapshot) Partial {
	part := Partial{Unreadable: snap.Unreadable.Processes, Privileged: os.Geteuid() == 0}
	var few []int // the first unreadable pids met, enough to name them
	for _, p := range snap.Processes {
		if p.IsThread() {
			continue
		}
		part.Total++
		if part.Unreadable > 0 && p.Namespaces == (inspect.NamespaceSet{}) && len(few) < 4 {
			few = append(few, p.PID)
		}
	}
	if part.Unreadable > 0 && len(few) <= 3 {
		slices.Sort(few)
		part.PIDs = few
	}
	return part
}

// IsComplete reports whether every process could be read.
func (p Partial) IsComplete() bool { return p.Unreadable == 0 }

// Missing reports whether a real part of the view is missing: as another
// user than root, whose processes and the namespaces only they are in are
// left out, or as root when any process but pid 1 could not be read. A
// healthy host where root cannot read pid 1 (it holds a capability root
// lacks) is not missing anything: pid 1 is in the initial namespaces,
// which the kernel's fixed inode numbers and kthreadd show. So the CLI
// warns only when this is true; the count stays in the JSON and the
// explorer's header.
func (p Partial) Missing() bool {
	onlyPID1 := p.Unreadable == 1 && slices.Equal(p.PIDs, []int{1})
	return p.Unreadable > 0 && (!p.Privileged || !onlyPID1)
}

// What names the unreadable processes: "pid 1, 7" when they are few,
// "12 of 80 processes" otherwise.
func (p Partial) What() string {
	if p.PIDs != nil {
		pids := make([]string, len(p.PIDs))
		for i, pid := range p.PIDs {
			pids[i] = strconv.Itoa(pid)
		}
		return "pid " + strings.Join(pids, ", ")
	}
	return fmt.Sprintf("%d of %d processes", p.Unreadable, p.Total)
}
