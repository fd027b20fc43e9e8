package inspect

import (
	"errors"
	"fmt"
	"net"
	"slices"

	"github.com/nsdive/nsdive/internal/inside"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// dumpAttempts bounds how often a netlink dump that the kernel marked as
// interrupted (the table changed while it was read) is retried.
const dumpAttempts = 3

// readNet lists the interfaces and the main routing table of the network
// namespace at nsPath. Veth interfaces keep their peer's ifindex and netnsid
// for resolveVethPeers.
//
// Listing a veth whose peer lives in another namespace makes the kernel
// assign that namespace a netnsid in this one if it had none (ip link does
// the same); nothing else here assigns ids.
//
// Equivalent to: ip -n NS -d -s link show; ip -n NS addr show; ip -n NS route show; ip -n NS -6 route show
func readNet(join joinFunc, nsPath string) (*NetInfo, error) {
	h, err := inside.NetHandleVia(join, nsPath)
	if err != nil {
		return nil, err
	}
	defer h.Close()

	links, err := consistentDump(h.LinkList)
	if err != nil {
		return nil, fmt.Errorf("list links in %s: %w", nsPath, err)
	}
	addrs, err := consistentDump(func() ([]netlink.Addr, error) {
		return h.AddrList(nil, netlink.FAMILY_ALL)
	})
	if err != nil {
		return nil, fmt.Errorf("list addresses in %s: %w", nsPath, err)
	}
	routes, err := consistentDump(func() ([]netlink.Route, error) {
		return h.RouteListFiltered(netlink.FAMILY_ALL,
			&netlink.Route{Table: unix.RT_TABLE_MAIN}, netlink.RT_FILTER_TABLE)
	})
	if err != nil {
		return nil, fmt.Errorf("list routes in %s: %w", nsPath, err)
	}

	names := make(map[int]string, len(links))
	for _, l := range links {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	addrsOf := make(map[int][]string, len(links))
	for _, a := range addrs {
		addrsOf[a.LinkIndex] = append(addrsOf[a.LinkIndex], a.IPNet.String())
	}

	info := &NetInfo{Interfaces: make([]Interface, 0, len(links))}
	for _, l := range links {
		info.Interfaces = append(info.Interfaces, newInterface(l, names, addrsOf))
	}
	slices.SortFunc(info.Interfaces, func(a, b Interface) int { return a.Index - b.Index })
	for _, r := range routes {
		info.Routes = appendRoutes(info.Routes, r, names)
	}
	return info, nil
}

// consistentDump runs a netlink dump again while the kernel reports that the
// table changed during it.
func consistentDump[T any](dump func() ([]T, error)) ([]T, error) {
	var (
		res []T
		err error
	)
	for range dumpAttempts {
		res, err = dump()
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			break
		}
	}
	return res, err
}

// operStates are the RFC 2863 operational states as ip link names them,
// indexed by IFLA_OPERSTATE.
var operStates = [...]string{
	netlink.OperUnknown:        "unknown",
	netlink.OperNotPresent:     "notpresent",
	netlink.OperDown:           "down",
	netlink.OperLowerLayerDown: "lowerlayerdown",
	netlink.OperTesting:        "testing",
	netlink.OperDormant:        "dormant",
	netlink.OperUp:             "up",
}

func operState(s netlink.LinkOperState) string {
	if int(s) < len(operStates) {
		return operStates[s]
	}
	return "unknown"
}

// newInterface converts a netlink link. names maps the namespace's ifindexes
// to names, for the master.
func newInterface(l netlink.Link, names map[int]string, addrsOf map[int][]string) Interface {
	a := l.Attrs()
	ifc := Interface{
		Index:   a.Index,
		Name:    a.Name,
		Kind:    l.Type(),
		State:   operState(a.OperState),
		MTU:     a.MTU,
		Addrs:   addrsOf[a.Index],
		Master:  names[a.MasterIndex],
		linkNID: -1,
	}
	// netlink drops an all-zero address; a loopback device's is one, and
	// ip -j prints it. A device without an address keeps MAC empty.
	switch {
	case len(a.HardwareAddr) > 0:
		ifc.MAC = a.HardwareAddr.String()
	case a.EncapType == "loopback":
		ifc.MAC = "00:00:00:00:00:00"
	}
	// The link dump carries the counters already; reading them costs
	// nothing more.
	if st := a.Statistics; st != nil {
		ifc.Stats = &LinkStats{RxBytes: st.RxBytes, TxBytes: st.TxBytes, RxPackets: st.RxPackets, TxPackets: st.TxPackets}
	}
	if ifc.Kind == "veth" {
		// For a veth, IFLA_LINK is the peer's ifindex and
		// IFLA_LINK_NETNSID, present only when the peer is in another
		// namespace, that namespace's id as seen from this one.
		ifc.peerIdx = a.ParentIndex
		ifc.linkNID = a.NetNsID
	}
	return ifc
}

// appendRoutes appends r as ip route shows it, one Route per next hop of a
// multipath route, and leaves out families other than IPv4 and IPv6.
func appendRoutes(routes []Route, r netlink.Route, names map[int]string) []Route {
	if (r.Family != netlink.FAMILY_V4 && r.Family != netlink.FAMILY_V6) || r.Dst == nil {
		return routes
	}
	base := Route{Dst: r.Dst.String()}
	if ones, _ := r.Dst.Mask.Size(); ones == 0 {
		base.Dst = "default"
	}
	if r.Src != nil {
		base.Src = r.Src.String()
	}
	if len(r.MultiPath) == 0 {
		base.Gateway = gateway(r.Gw, r.Via)
		base.Dev = names[r.LinkIndex]
		return append(routes, base)
	}
	for _, hop := range r.MultiPath {
		next := base
		next.Gateway = gateway(hop.Gw, hop.Via)
		next.Dev = names[hop.LinkIndex]
		routes = append(routes, next)
	}
	return routes
}

// gateway names a next hop: its gateway, or the RTA_VIA address of an IPv4
// route through an IPv6 next hop; empty for a directly connected route.
func gateway(gw net.IP, via netlink.Destination) string {
	if gw != nil {
		return gw.String()
	}
	if v, ok := via.(*netlink.Via); ok && v.Addr != nil {
		return v.Addr.String()
	}
	return ""
}

// netnsIDOf returns the id that the scanner's network namespace has
// assigned to the network namespace at nsPath, or -1 when it has none: the
// NETNSID column of lsns and ip netns list-id. It only asks (RTM_GETNSID),
// which never makes the kernel assign an id.
//
// Equivalent to: ip netns list-id
func netnsIDOf(nsPath string) (int, error) {
	fd, err := unix.Open(nsPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open %s: %w", nsPath, err)
	}
	defer unix.Close(fd)
	// The package-level call opens its socket on the calling thread, and
	// the scanner's threads never leave its namespaces.
	id, err := netlink.GetNetNsIdByFd(fd)
	if err != nil {
		return -1, fmt.Errorf("get netnsid of %s: %w", nsPath, err)
	}
	return id, nil
}

// vethKey identifies one end of a veth pair within its namespace: its own
// ifindex and its peer's.
type vethKey struct{ index, peerIdx int }

// resolveVethPeers sets Peer on every veth in nets whose other end is in
// nets too; paths locates each namespace's nsfs file. A veth whose peer is
// in a namespace missing from nets keeps a nil Peer. The errors of
// namespaces that could not be asked are joined; the rest is still
// resolved.
//
// A remote veth only tells its peer's ifindex and the peer namespace's
// netnsid as seen from its own namespace. The candidates are the namespaces
// holding a remote veth with the mirrored ifindexes; one RTM_GETNSID per
// candidate, asked in the veth's namespace, tells which one it is. Asking
// never assigns an id.
func resolveVethPeers(join joinFunc, nets map[NamespaceID]*NetInfo, paths map[NamespaceID]string) error {
	ends := make(map[vethKey][]NamespaceID)
	for id, info := range nets {
		for _, ifc := range info.Interfaces {
			if ifc.peerIdx != 0 && ifc.linkNID >= 0 {
				key := vethKey{ifc.Index, ifc.peerIdx}
				ends[key] = append(ends[key], id)
			}
		}
	}
	f := &peerFinder{join: join, nets: nets, paths: paths, ends: ends, fds: make(map[NamespaceID]int)}
	defer f.close()
	for id, info := range nets {
		f.resolveIn(id, info)
	}
	return errors.Join(f.errs...)
}

// peerFinder holds what resolveVethPeers shares across namespaces.
type peerFinder struct {
	join  joinFunc
	nets  map[NamespaceID]*NetInfo
	paths map[NamespaceID]string
	ends  map[vethKey][]NamespaceID // remote veth ends, by ifindexes
	fds   map[NamespaceID]int       // open nsfs files of candidates; -1 when unopenable
	errs  []error
}

// resolveIn sets the peers of the veths in namespace id.
func (f *peerFinder) resolveIn(id NamespaceID, info *NetInfo) {
	// Opened on the first remote veth that has candidates: the ids of
	// other namespaces as seen from this one can only be asked here.
	var from *netlink.Handle
	defer func() {
		if from != nil {
			from.Close()
		}
	}()
	seen := make(map[NamespaceID]int)
	for i := range info.Interfaces {
		ifc := &info.Interfaces[i]
		if ifc.peerIdx == 0 {
			continue
		}
		if ifc.linkNID < 0 {
			ifc.Peer = vethEnd(info, id, vethKey{ifc.peerIdx, ifc.Index})
			continue
		}
		for _, cand := range f.ends[vethKey{ifc.peerIdx, ifc.Index}] {
			if cand == id {
				continue
			}
			nid, ok := seen[cand]
			if !ok {
				if from == nil {
					var err error
					if from, err = f.handleIn(id); err != nil {
						f.errs = append(f.errs, err)
						return
					}
				}
				nid = f.nsidOf(from, id, cand)
				seen[cand] = nid
			}
			if nid == ifc.linkNID {
				ifc.Peer = vethEnd(f.nets[cand], cand, vethKey{ifc.peerIdx, ifc.Index})
				break
			}
		}
	}
}

func (f *peerFinder) handleIn(id NamespaceID) (*netlink.Handle, error) {
	path, ok := f.paths[id]
	if !ok {
		return nil, fmt.Errorf("resolve veth peers of net namespace %s: no path to it", id)
	}
	return inside.NetHandleVia(f.join, path)
}

// nsidOf returns the netnsid of namespace cand as seen through from, the
// handle in namespace id, or -1 when it has none or cannot be asked.
func (f *peerFinder) nsidOf(from *netlink.Handle, id, cand NamespaceID) int {
	fd, ok := f.fds[cand]
	if !ok {
		fd = -1
		if path, known := f.paths[cand]; known {
			var err error
			if fd, err = unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0); err != nil {
				f.errs = append(f.errs, fmt.Errorf("open %s: %w", path, err))
				fd = -1
			}
		}
		f.fds[cand] = fd
	}
	if fd < 0 {
		return -1
	}
	nid, err := from.GetNetNsIdByFd(fd)
	if err != nil {
		f.errs = append(f.errs, fmt.Errorf("get netnsid of %s in %s: %w", f.paths[cand], f.paths[id], err))
		return -1
	}
	return nid
}

func (f *peerFinder) close() {
	for _, fd := range f.fds {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
}

// vethEnd returns a reference to the veth in info, namespace ns, that has
// the ifindexes of key; nil when there is none, because the namespace
// changed since it was read.
func vethEnd(info *NetInfo, ns NamespaceID, key vethKey) *PeerRef {
	i := slices.IndexFunc(info.Interfaces, func(ifc Interface) bool {
		return ifc.Index == key.index && ifc.peerIdx == key.peerIdx && ifc.Kind == "veth"
	})
	if i < 0 {
		return nil
	}
	return &PeerRef{Namespace: ns, Index: key.index, Name: info.Interfaces[i].Name}
}
