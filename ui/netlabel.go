package ui

import (
	"fmt"
	"strings"

	"github.com/nsdive/nsdive/inspect"
)

// containersText names the containers in ns: "web", or "web, side" when
// several share it; a container without a known name by its id.
func containersText(ns *inspect.Namespace) string {
	names := make([]string, len(ns.Containers))
	for i, c := range ns.Containers {
		names[i] = c.Name
		if c.Name == "" {
			names[i] = c.ID
		}
	}
	return strings.Join(names, ", ")
}

// netLabel is what the network page calls a namespace, the way a person
// knows it: "host", the netns name, the container's name, the command of
// its lowest process, what holds it, or at last its inode.
func netLabel(snap *inspect.Snapshot, ns *inspect.Namespace) string {
	switch {
	case ns.ID == snap.Initial[inspect.LinkNet]:
		return "host"
	case len(ns.Containers) > 0:
		return containersText(ns)
	case netnsName(snap, ns) != "":
		return netnsName(snap, ns)
	}
	if p := ns.Lowest(); p != nil {
		return fmt.Sprintf("%s %d", p.Comm, p.PID)
	}
	if len(ns.Holders) > 0 {
		return holderText(ns.Holders[0])
	}
	return fmt.Sprintf("net %d", ns.ID.Ino)
}

// netMeta says more about ns than its label: inode, engine, netns path,
// processes or what keeps it without any.
func netMeta(snap *inspect.Snapshot, ns *inspect.Namespace) []string {
	meta := []string{fmt.Sprintf("net %d", ns.ID.Ino)}
	if len(ns.Containers) > 0 {
		meta = append(meta, ns.Containers[0].Engine)
		if name := netnsName(snap, ns); name != "" {
			meta = append(meta, "/run/netns/"+name)
		}
	}
	n := ns.NumProcs()
	switch p := ns.Lowest(); {
	case p == nil && len(ns.Holders) > 0 && netLabel(snap, ns) != holderText(ns.Holders[0]):
		meta = append(meta, "no process, held by "+holderText(ns.Holders[0]))
	case p == nil:
		meta = append(meta, "no process")
	case n == 1 && strings.HasPrefix(netLabel(snap, ns), p.Comm+" "):
		meta = append(meta, "1 process")
	default:
		meta = append(meta, fmt.Sprintf("%d %s, %s %d", n, plural(n, "process", "processes"), p.Comm, p.PID))
	}
	return meta
}

// holderText says what holds a namespace: a mount path, "fd PID/FD",
// "socket PID/FD".
func holderText(h inspect.Holder) string {
	switch h.Kind {
	case inspect.HeldByMount:
		return h.Path
	case inspect.HeldByFD:
		return fmt.Sprintf("fd %d/%d", h.PID, h.FD)
	case inspect.HeldBySocket:
		return fmt.Sprintf("socket %d/%d", h.PID, h.FD)
	}
	return fmt.Sprintf("%s of %d", h.Kind, h.PID)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// netAddrs returns the addresses worth a glance: all but IPv6 link-local
// ones, which every interface has.
func netAddrs(ifc *inspect.Interface) []string {
	var out []string
	for _, a := range ifc.Addrs {
		if !strings.HasPrefix(a, "fe80:") {
			out = append(out, a)
		}
	}
	return out
}
