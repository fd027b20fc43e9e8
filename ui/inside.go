package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/nsdive/nsdive/inspect"
)

// inside shows what the namespace holds, by type: hostname, interfaces
// and routes, id maps, clock offsets, cgroup root, IPC objects, mounts,
// or the pid namespace's init; what could not be read is said so.
func (b *browser) inside(ns *inspect.Namespace) []string {
	st := b.c.styles
	snap := b.c.world.snap
	switch ns.Type {
	case inspect.Mnt:
		if mounts, ok := snap.Mounts[ns.ID]; ok {
			return []string{b.label("Mounts", fmt.Sprintf("%d", len(mounts)))}
		}
		return nil
	case inspect.PID:
		return b.pidInit(ns)
	}
	d := ns.Details
	switch {
	case d.Err != nil:
		return []string{b.label("Inside", st.Warn.Render("could not read: "+d.Err.Error()))}
	case !snap.HasDetails(ns.Type):
		return []string{b.label("Inside", st.Dim.Render("not read by this scan"))}
	}
	switch {
	case d.UTS != nil:
		lines := []string{b.label("Hostname", d.UTS.Hostname)}
		if d.UTS.Domainname != "" && d.UTS.Domainname != "(none)" {
			lines = append(lines, b.label("Domain", d.UTS.Domainname))
		}
		return lines
	case d.Net != nil:
		return b.netInside(d.Net)
	case d.User != nil:
		return []string{
			b.label("uid map", idMap(d.User.UIDMap)),
			b.label("gid map", idMap(d.User.GIDMap)),
			b.label("setgroups", d.User.SetGroups),
		}
	case d.Time != nil:
		return []string{b.label("Offsets", fmt.Sprintf("monotonic %s · boottime %s",
			offset(d.Time.Monotonic), offset(d.Time.Boottime)))}
	case d.Cgroup != nil:
		return []string{b.label("Root", d.Cgroup.Root+st.Dim.Render(" (its / as seen from here)"))}
	case d.IPC != nil:
		return []string{b.label("IPC", fmt.Sprintf("%d shared memory · %d semaphore sets · %d message queues",
			d.IPC.SharedMemory, d.IPC.Semaphores, d.IPC.MessageQueue))}
	}
	return nil
}

// netInside shows a network namespace's interfaces, each with its state,
// bridge and, for a veth, the peer and where it lives, and its addresses
// on a line of their own (IPv6 ones are long); then the routes.
func (b *browser) netInside(n *inspect.NetInfo) []string {
	st := b.c.styles
	lines := []string{st.Label.Render("Interfaces")}
	if len(n.Interfaces) == 0 {
		lines = append(lines, st.Dim.Render("  none"))
	}
	for _, i := range n.Interfaces {
		s := fmt.Sprintf("  %-10s %s", i.Name, i.State)
		if i.Kind != "" && i.Kind != "device" {
			s += st.Dim.Render(" " + i.Kind)
		}
		if i.Master != "" {
			s += st.Dim.Render(" in " + i.Master)
		}
		if i.Peer != nil {
			s += " ⇄ " + i.Peer.Name + " in " + b.netName(i.Peer.Namespace)
		}
		lines = append(lines, s)
		if len(i.Addrs) > 0 {
			lines = append(lines, "    "+strings.Join(i.Addrs, " "))
		}
	}
	if len(n.Routes) > 0 {
		lines = append(lines, st.Label.Render("Routes"))
	}
	for _, r := range n.Routes {
		s := "  " + r.Dst
		if r.Gateway != "" {
			s += " via " + r.Gateway
		}
		if r.Dev != "" {
			s += " dev " + r.Dev
		}
		if r.Src != "" {
			s += " src " + r.Src
		}
		lines = append(lines, s)
	}
	return lines
}

// netName names the network namespace at the other end of a veth: the
// host, a container, a bind mount's name (ip netns), or its inode.
func (b *browser) netName(id inspect.NamespaceID) string {
	snap := b.c.world.snap
	ns := snap.Namespaces[id]
	switch {
	case id.IsZero():
		return "an unknown namespace"
	case ns == nil:
		return fmt.Sprintf("net %d", id.Ino)
	case snap.IsInitial(ns):
		return "the host"
	case containerText(ns) != "":
		return containerText(ns)
	}
	for _, h := range ns.Holders {
		if h.Kind == inspect.HeldByMount {
			return fmt.Sprintf("%s (net %d)", h.Path, id.Ino)
		}
	}
	return fmt.Sprintf("net %d", id.Ino)
}

// pidInit names the process that is pid 1 inside a pid namespace, the
// one whose end kills every other process in it.
func (b *browser) pidInit(ns *inspect.Namespace) []string {
	if b.c.world.snap.IsInitial(ns) {
		return nil
	}
	for _, p := range ns.Processes {
		if n := len(p.NSpid); n > 1 && p.NSpid[n-1] == 1 {
			return []string{b.label("Init", fmt.Sprintf("pid %d is pid 1 inside", p.PID))}
		}
	}
	return nil
}

// idMap shows uid_map or gid_map ranges: "0→100000 ×65536".
func idMap(m []inspect.IDMapRange) string {
	if len(m) == 0 {
		return "empty (nothing mapped yet)"
	}
	parts := make([]string, len(m))
	for i, r := range m {
		parts[i] = fmt.Sprintf("%d→%d ×%d", r.Inside, r.Outside, r.Length)
	}
	return strings.Join(parts, ", ")
}

// offset shows a clock offset with its sign.
func offset(d time.Duration) string {
	if d >= 0 {
		return "+" + d.String()
	}
	return d.String()
}
