package inspect

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"golang.org/x/sys/unix"
)

// errNotLive says a snapshot was not scanned on this host (see
// NewSnapshot): its pids and namespaces are another moment's.
var errNotLive = errors.New("the snapshot was read from a file, not scanned here: scan again instead")

// RefreshProcess reads one process afresh, without scanning the host: its
// namespace links, stat, NSpid, command line, and its cgroup where the
// snapshot read cgroups. It reads in full whatever the snapshot's options,
// so the result has a complete Key. When key has a start time and the pid
// now names a process started at another time, the process it named is
// gone. The snapshot is not changed: the caller swaps in the result. An
// error matches fs.ErrNotExist when the process has exited.
func (s *Snapshot) RefreshProcess(key ProcessKey) (*Process, error) {
	if s.ProcRoot == "" {
		return nil, fmt.Errorf("refresh process %d: %w", key.PID, errNotLive)
	}
	opts := s.opts
	opts.ProcRoot = s.ProcRoot
	opts.Lazy, opts.Cmdline = false, true
	// Holders are a namespace's business: RefreshNamespace checks them.
	opts.BindMounts, opts.Mounts, opts.FDs = false, false, false
	sc, err := newScanner(context.Background(), opts)
	if err != nil {
		return nil, err
	}
	procfd, err := unix.Open(opts.ProcRoot, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", opts.ProcRoot, err)
	}
	defer unix.Close(procfd)
	w := scanWorker{buf: make([]byte, 4096)}
	sc.readProcess(&w, procfd, key.PID)
	i := slices.IndexFunc(w.tasks, func(p *Process) bool { return p.PID == key.PID })
	if i < 0 {
		return nil, fmt.Errorf("read process %d: %w", key.PID, fs.ErrNotExist)
	}
	p := w.tasks[i]
	if key.StartTime != 0 && p.StartTime != key.StartTime {
		return nil, fmt.Errorf("read process %d started at tick %d: the pid now names another process: %w", key.PID, key.StartTime, fs.ErrNotExist)
	}
	// A container's name comes from its engine's processes and files
	// (see nameContainers), not the process's: keep the snapshot's.
	if was := s.Processes[key.PID]; was != nil && was.Container != nil && p.Container != nil && p.Container.same(was.Container) {
		p.Container.Name = was.Container.Name
	}
	return p, nil
}

// RefreshNamespace reads one namespace of the snapshot afresh, without
// scanning the host, and returns a new Namespace; the snapshot is not
// changed. Members and holders are those of the snapshot that still are
// (a process that left, a bind mount undone, a descriptor closed are
// dropped; finding new ones takes a scan). The netnsid and the details are
// read again where the snapshot read them; owner and parent never change.
// A network namespace's veth peers are carried over from the snapshot for
// the interfaces that are still there. An error matches fs.ErrNotExist
// when nothing holds the namespace any more.
func (s *Snapshot) RefreshNamespace(id NamespaceID) (*Namespace, error) {
	if s.ProcRoot == "" {
		return nil, fmt.Errorf("refresh namespace %s: %w", id, errNotLive)
	}
	old := s.Namespaces[id]
	if old == nil {
		return nil, fmt.Errorf("refresh namespace %s: not in the snapshot: %w", id, fs.ErrNotExist)
	}
	ns := *old
	ns.Processes = slices.DeleteFunc(slices.Clone(old.Processes), func(p *Process) bool {
		return statID(taskPath(s.ProcRoot, p, "ns/"+LinkOf(ns.Type).Name())) != id
	})
	ns.Holders = slices.DeleteFunc(slices.Clone(old.Holders), func(h Holder) bool {
		return !s.stillHolds(h, &ns)
	})
	if len(ns.Processes) == 0 && len(ns.Holders) == 0 {
		return nil, fmt.Errorf("refresh %s namespace %s: nothing holds it any more: %w", ns.Type, id, fs.ErrNotExist)
	}
	if s.Has(PartNetNSID) && ns.Type == Net {
		nsid, err := readNetNSID(s, &ns)
		if err != nil {
			return nil, fmt.Errorf("refresh netnsid: %w", err)
		}
		ns.NetNSID = nsid
	}
	if s.HasDetails(ns.Type) {
		ns.Details = Details{}
		sc, err := newScanner(context.Background(), s.opts)
		if err != nil {
			return nil, err
		}
		fd, err := sc.readDetails(s, &ns, joinOnce(ns.Type))
		if fd >= 0 {
			unix.Close(fd)
		}
		ns.Details.Err = err
		if ns.Details.Net != nil && old.Details.Net != nil {
			keepPeers(ns.Details.Net, old.Details.Net)
		}
	}
	return &ns, nil
}

// stillHolds reports whether holder h still leads to namespace ns.
func (s *Snapshot) stillHolds(h Holder, ns *Namespace) bool {
	one := &Namespace{ID: ns.ID, Type: ns.Type, Holders: []Holder{h}}
	fd, err := openNamespace(s, one)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	got, err := fstatID(fd)
	return err == nil && got == ns.ID
}

// keepPeers copies the veth peers found by the scan to the interfaces of
// info that are the same veths (same index, name and peer index).
func keepPeers(info, old *NetInfo) {
	for i := range info.Interfaces {
		ifc := &info.Interfaces[i]
		for _, o := range old.Interfaces {
			if o.Index == ifc.Index && o.Name == ifc.Name && o.peerIdx == ifc.peerIdx {
				ifc.Peer = o.Peer
				break
			}
		}
	}
}
