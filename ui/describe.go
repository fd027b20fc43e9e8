package ui

import (
	"fmt"
	"path"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/nsdive/nsdive/inspect"
)

// isInitial reports whether ns is the host's initial namespace of its type.
func isInitial(snap *inspect.Snapshot, ns *inspect.Namespace) bool {
	init := snap.Initial[inspect.LinkOf(ns.Type)]
	return !init.IsZero() && init == ns.ID
}

// nsWho names a namespace for a person rather than by its inode: "host"
// for an initial one, else its container, the name `ip netns` gives its
// network namespace, the hostname its uts namespace sets, and its lowest
// process ("hostname web · pid 430 sh"); what holds it when no process is
// in it.
func nsWho(snap *inspect.Snapshot, ns *inspect.Namespace) string {
	if isInitial(snap, ns) {
		return "host"
	}
	var parts []string
	switch {
	case ns.Container != nil:
		parts = append(parts, ns.Container.String())
	case len(ns.Containers) > 1:
		parts = append(parts, fmt.Sprintf("%s +%d", ns.Containers[0], len(ns.Containers)-1))
	}
	p := ns.Lowest()
	if p == nil {
		if name := netnsName(snap, ns); name != "" {
			return "netns " + name
		}
		if labels := snap.HolderLabels(ns); len(labels) > 0 {
			parts = append(parts, "held by "+labels[0])
		}
		return strings.Join(parts, " · ")
	}
	if ns.Container == nil {
		if net := snap.Namespaces[p.Namespaces[inspect.LinkNet]]; net != nil && !isInitial(snap, net) {
			if name := netnsName(snap, net); name != "" {
				parts = append(parts, "netns "+name)
			}
		}
		if uts := snap.Namespaces[p.Namespaces[inspect.LinkUTS]]; uts != nil && !isInitial(snap, uts) && uts.Details.UTS != nil {
			parts = append(parts, "hostname "+uts.Details.UTS.Hostname)
		}
	}
	parts = append(parts, fmt.Sprintf("pid %d %s", p.PID, commName(p)))
	return strings.Join(parts, " · ")
}

// netnsName is the name `ip netns` knows a network namespace by: the base
// of a bind mount of it under /run/netns; empty when it has none.
func netnsName(snap *inspect.Snapshot, ns *inspect.Namespace) string {
	if ns.Type != inspect.Net {
		return ""
	}
	for _, h := range ns.Holders {
		if h.Kind == inspect.HeldByMount && (path.Dir(h.Path) == "/run/netns" || path.Dir(h.Path) == "/var/run/netns") {
			return path.Base(h.Path)
		}
	}
	return ""
}

// commName is a process's short name: its comm, or the base of argv[0]
// when the scan did not read comm.
func commName(p *inspect.Process) string {
	switch {
	case p.Comm != "":
		return p.Comm
	case len(p.Cmdline) > 0:
		return path.Base(p.Cmdline[0])
	}
	return "?"
}

// nsInside says in a few words what a namespace holds, the part of it
// that makes it different from another of its type: a hostname, the
// interfaces, an id map, a clock offset, a cgroup root, IPC objects, the
// number of mounts, the pid namespace's depth. Empty when the scan did
// not read it.
func nsInside(snap *inspect.Snapshot, ns *inspect.Namespace) string {
	d := ns.Details
	switch {
	case d.Err != nil:
		return "unreadable: " + d.Err.Error()
	case d.UTS != nil:
		return "hostname " + d.UTS.Hostname
	case d.Net != nil:
		return netInside(d.Net)
	case d.User != nil:
		return userInside(d.User)
	case d.Time != nil:
		if d.Time.Monotonic == 0 && d.Time.Boottime == 0 {
			return "clocks as the host's"
		}
		return fmt.Sprintf("monotonic %s, boottime %s", offset(d.Time.Monotonic), offset(d.Time.Boottime))
	case d.Cgroup != nil:
		return "cgroup root " + d.Cgroup.Root
	case d.IPC != nil:
		return fmt.Sprintf("%d shm, %d sem, %d msg queues", d.IPC.SharedMemory, d.IPC.Semaphores, d.IPC.MessageQueue)
	}
	switch ns.Type {
	case inspect.Mnt:
		if mounts, ok := snap.Mounts[ns.ID]; ok {
			return fmt.Sprintf("%d mounts", len(mounts))
		}
	case inspect.PID:
		level := 0
		for id := ns.Parent; !id.IsZero() && level < 33; level++ {
			parent := snap.Namespaces[id]
			if parent == nil {
				break
			}
			id = parent.Parent
		}
		if !ns.Parent.IsZero() {
			return fmt.Sprintf("level %d, inside pid %s", level, ns.Parent)
		}
	}
	return ""
}

// netInside lists a network namespace's interfaces with their first
// address.
func netInside(n *inspect.NetInfo) string {
	var parts []string
	for _, ifc := range n.Interfaces {
		s := ifc.Name
		if len(ifc.Addrs) > 0 {
			s += " " + ifc.Addrs[0]
		} else if ifc.State != "up" {
			s += " (" + ifc.State + ")"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "no interfaces"
	}
	return strings.Join(parts, ", ")
}

// userInside shows a user namespace's uid map as "uid 0→1000 (65536)",
// or "uids as the host's" for the identity map of the initial one.
func userInside(u *inspect.UserInfo) string {
	if len(u.UIDMap) == 0 {
		return "no uid map yet"
	}
	r := u.UIDMap[0]
	if len(u.UIDMap) == 1 && r.Inside == 0 && r.Outside == 0 && r.Length == 4294967295 {
		return "uids as the host's"
	}
	s := fmt.Sprintf("uid %d→%d (%d)", r.Inside, r.Outside, r.Length)
	if len(u.UIDMap) > 1 {
		s += fmt.Sprintf(" +%d ranges", len(u.UIDMap)-1)
	}
	return s
}

// joinNonEmpty joins the parts that are not empty.
func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// cut cuts s to width cells with an ellipsis, without padding.
func cut(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}
