package demo

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Where the lab lives.
const (
	// Dir holds the state file and the propagation tmpfs.
	Dir = "/run/nsdive-lab"
	// StateFile records what Up made.
	StateFile = Dir + "/state.json"
	// LockFile is flocked by Up, Down and Status.
	LockFile = "/run/nsdive-lab.lock"
	// PropDir is the propagation tmpfs, a peer group of its own.
	PropDir = Dir + "/prop"
	// Netns is the network namespace of the bridge.
	Netns = "lab-net"
	// EmptyNetns is a network namespace persisted with no process in it.
	EmptyNetns = "lab-empty"
	// Bridge is the bridge in Netns that every container is wired to.
	Bridge = "lab-br"
	// CgroupParent is the cgroup (under the cgroup2 root) of the
	// containers' cgroups.
	CgroupParent = "nsdive-lab"
	// HeldHostname is the hostname of the uts namespace the keeper holds
	// by a descriptor.
	HeldHostname = "lab-held"
	// Keeper is the command name of the keeper process.
	Keeper = "lab-keeper"
)

// Subnet is the lab's network; the bridge has its first address.
var (
	Subnet     = netip.MustParsePrefix("10.99.0.0/24")
	BridgeAddr = netip.MustParsePrefix("10.99.0.1/24")
)

// Container is one of the lab's containers.
type Container struct {
	// Name is its hostname, command name, cgroup and the name of its
	// veth's end at the bridge.
	Name string
	// Addr is the address of its eth0.
	Addr netip.Prefix
	// UIDBase is the host uid (and gid) its root is mapped to, for
	// 65536 ids.
	UIDBase int
	// Monotonic is its time namespace's monotonic clock offset.
	Monotonic time.Duration
	// Propagation is what PropDir is made in its mount namespace.
	Propagation string
}

// IDRange is how many uids and gids a container's user namespace maps.
const IDRange = 65536

// Containers are the lab's containers. lab-web's view of PropDir is
// shared (and a slave of the host's), lab-db's private, lab-cache's
// unbindable.
var Containers = []Container{
	{Name: "lab-web", Addr: netip.MustParsePrefix("10.99.0.11/24"), UIDBase: 3000000, Monotonic: 1000 * time.Hour, Propagation: "shared"},
	{Name: "lab-db", Addr: netip.MustParsePrefix("10.99.0.12/24"), UIDBase: 3000000 + IDRange, Monotonic: 2000 * time.Hour, Propagation: "private"},
	{Name: "lab-cache", Addr: netip.MustParsePrefix("10.99.0.13/24"), UIDBase: 3000000 + 2*IDRange, Monotonic: 3000 * time.Hour, Propagation: "unbindable"},
}

// ContainerIf is the name of a container's end of its veth pair.
const ContainerIf = "eth0"

// QueueKey is the key of each container's System V message queue.
const QueueKey = 0x6c6162 // "lab"

// checkRoutes fails when a route of the host's network namespace, other
// than a default route, overlaps Subnet.
func checkRoutes() error {
	// Table unspecified: the routes of every table.
	routes, err := netlink.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
	if err != nil {
		return fmt.Errorf("read the host's routes: %w", err)
	}
	return overlapping(routes)
}

// overlapping fails when one of routes overlaps Subnet.
func overlapping(routes []netlink.Route) error {
	for _, r := range routes {
		if r.Dst == nil {
			continue
		}
		p, ok := netip.AddrFromSlice(r.Dst.IP)
		if !ok {
			continue
		}
		ones, _ := r.Dst.Mask.Size()
		dst := netip.PrefixFrom(p.Unmap(), ones)
		if ones > 0 && dst.Overlaps(Subnet) {
			return fmt.Errorf("the host routes %s, which overlaps the lab's %s: remove that route or run the lab elsewhere", dst, Subnet)
		}
	}
	return nil
}
