package actions

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// maxIfname is the longest interface name the kernel takes (IFNAMSIZ-1).
const maxIfname = 15

// VethEnd is one end of a veth pair: the namespace it is in, its name,
// and its address with prefix length (the zero Prefix for none).
type VethEnd struct {
	NS   NetNS
	Name string
	Addr netip.Prefix
}

// String describes the end: "v-blue in host 10.0.0.1/24".
func (e VethEnd) String() string {
	s := e.Name + " in " + e.NS.String()
	if e.Addr.IsValid() {
		s += " " + e.Addr.String()
	}
	return s
}

// ParseCIDR parses an interface address with its prefix length, as
// ip addr add takes it: 10.0.0.1/24, fd00::1/64.
func ParseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || p.Addr().Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("bad address %q: give an address with its prefix length, like 10.0.0.1/24", s)
	}
	return p, nil
}

// CheckIfname fails unless the kernel takes name as an interface name:
// 1 to 15 bytes, no '/', ':' or white space, not "." or "..".
func CheckIfname(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return fmt.Errorf("bad interface name %q: give 1 to %d letters, digits, '-', '_' or '.'", name, maxIfname)
	case len(name) > maxIfname:
		return fmt.Errorf("interface name %q has %d bytes: the kernel takes at most %d", name, len(name), maxIfname)
	case strings.ContainsAny(name, "/: \t\n\v\f\r\x00"):
		return fmt.Errorf("bad interface name %q: no '/', ':' or spaces", name)
	}
	return nil
}

// PlanVeth checks the two ends of a new veth pair and names the ends
// left without a name: in each namespace "v-" and a word for the other
// one (v-host, v-blue, v-1234), with a number after when that is taken.
// Names given must be free in their namespaces.
func PlanVeth(a, b VethEnd) (VethEnd, VethEnd, error) {
	for _, e := range []VethEnd{a, b} {
		if e.Name != "" {
			if err := CheckIfname(e.Name); err != nil {
				return a, b, err
			}
		}
	}
	same := a.NS.sameAs(b.NS)
	if same && a.Name != "" && a.Name == b.Name {
		return a, b, fmt.Errorf("both ends are named %s in one namespace: give two names", a.Name)
	}
	hA, err := a.NS.handle()
	if err != nil {
		return a, b, err
	}
	defer hA.Close()
	hB := hA
	if !same {
		if hB, err = b.NS.handle(); err != nil {
			return a, b, err
		}
		defer hB.Close()
	}
	for _, e := range []struct {
		end VethEnd
		h   *netlink.Handle
	}{{a, hA}, {b, hB}} {
		if e.end.Name == "" {
			continue
		}
		taken, err := linkExists(e.h, e.end.Name)
		if err != nil {
			return a, b, fmt.Errorf("%s: %w", e.end.NS, err)
		}
		if taken {
			return a, b, fmt.Errorf("%s is taken in %s: choose another name with --names", e.end.Name, e.end.NS)
		}
	}
	baseA, baseB := "v-"+ifWord(b.NS.label()), "v-"+ifWord(a.NS.label())
	if same && baseA == baseB {
		baseA, baseB = baseA+"a", baseB+"b"
	}
	for i := 0; a.Name == "" || b.Name == ""; i++ {
		if i == 100 {
			return a, b, errors.New("no free default names: give them with --names")
		}
		suffix := ""
		if i > 0 {
			suffix = strconv.Itoa(i)
		}
		nameA, nameB := a.Name, b.Name
		if nameA == "" {
			nameA = cut(baseA, maxIfname-len(suffix)) + suffix
		}
		if nameB == "" {
			nameB = cut(baseB, maxIfname-len(suffix)) + suffix
		}
		if same && nameA == nameB {
			continue
		}
		takenA, err := linkExists(hA, nameA)
		if err != nil {
			return a, b, fmt.Errorf("%s: %w", a.NS, err)
		}
		takenB, err := linkExists(hB, nameB)
		if err != nil {
			return a, b, fmt.Errorf("%s: %w", b.NS, err)
		}
		if !takenA && !takenB {
			a.Name, b.Name = nameA, nameB
		}
	}
	return a, b, nil
}

// ifWord makes a word fit in an interface name: characters the kernel
// refuses become '-'.
func ifWord(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == '/' || r == ':' || r > '~' {
			return '-'
		}
		return r
	}, s)
}

// cut shortens s to at most n bytes.
func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// linkExists reports whether the namespace of h has an interface name.
func linkExists(h *netlink.Handle, name string) (bool, error) {
	_, err := h.LinkByName(name)
	var notFound netlink.LinkNotFoundError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &notFound) || errors.Is(err, unix.ENODEV):
		return false, nil
	}
	return false, fmt.Errorf("look for interface %s: %w", name, err)
}

// Veth returns the action that creates a veth pair between the ends
// (named, as PlanVeth returns them), the peer made directly in its
// namespace so that nothing ever shows in another; then sets the
// addresses and brings both ends, and loopback where it is down, up.
//
// Equivalent to: ip -n A link add IF_A type veth peer name IF_B netns B;
// ip -n A addr add CIDR dev IF_A; ip -n A link set IF_A up; ... for B
func Veth(a, b VethEnd) (*Action, error) {
	if a.Name == "" || b.Name == "" {
		return nil, errors.New("veth ends need names: see PlanVeth")
	}
	act := &Action{Description: fmt.Sprintf("link %s and %s", a.NS, b.NS)}
	same := a.NS.sameAs(b.NS)
	peerNetns := ""
	if !same {
		peerNetns = " netns " + b.NS.netnsArg()
	}
	indexA := 0
	act.Steps = append(act.Steps, Step{
		Command: fmt.Sprintf("%s link add %s type veth peer name %s%s", a.NS.ip(), a.Name, b.Name, peerNetns),
		Do: func() error {
			return a.NS.withHandle(func(h *netlink.Handle) error {
				veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: a.Name}, PeerName: b.Name}
				if !same {
					fdB, err := b.NS.open()
					if err != nil {
						return err
					}
					defer unix.Close(fdB)
					veth.PeerNamespace = netlink.NsFd(fdB)
				}
				if err := h.LinkAdd(veth); err != nil {
					if errors.Is(err, unix.EEXIST) {
						return fmt.Errorf("create veth: %s is taken in %s, or %s in %s, now: choose other names with --names", a.Name, a.NS, b.Name, b.NS)
					}
					return needRoot(fmt.Errorf("create veth %s: %w", a.Name, err))
				}
				l, err := h.LinkByName(a.Name)
				if err != nil {
					return fmt.Errorf("find %s after creating it: %w", a, err)
				}
				indexA = l.Attrs().Index
				return nil
			})
		},
		// Deleting one end deletes its peer.
		Undo: func() error {
			return a.NS.withHandle(func(h *netlink.Handle) error {
				err := h.LinkDel(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Index: indexA}})
				if err != nil && !errors.Is(err, unix.ENODEV) {
					return fmt.Errorf("delete %s: %w", a, err)
				}
				return nil
			})
		},
	})
	for _, e := range []VethEnd{a, b} {
		steps, err := endSteps(e, same && e.Name == b.Name)
		if err != nil {
			return nil, err
		}
		act.Steps = append(act.Steps, steps...)
	}
	return act, nil
}

// endSteps set the address of one end, bring it up and loopback too
// where it is down (once per namespace: not again for the second end in
// the namespace of the first).
func endSteps(e VethEnd, loDone bool) ([]Step, error) {
	link := func(h *netlink.Handle) (netlink.Link, error) {
		l, err := h.LinkByName(e.Name)
		if err != nil {
			return nil, fmt.Errorf("find %s: %w", e, err)
		}
		return l, nil
	}
	var steps []Step
	if e.Addr.IsValid() {
		addr := &netlink.Addr{IPNet: &net.IPNet{IP: e.Addr.Addr().AsSlice(), Mask: net.CIDRMask(e.Addr.Bits(), e.Addr.Addr().BitLen())}}
		steps = append(steps, Step{
			Command: fmt.Sprintf("%s addr add %s dev %s", e.NS.ip(), e.Addr, e.Name),
			Do: func() error {
				return e.NS.withHandle(func(h *netlink.Handle) error {
					l, err := link(h)
					if err != nil {
						return err
					}
					return wrapErr(fmt.Sprintf("add address %s to %s", e.Addr, e), h.AddrAdd(l, addr))
				})
			},
			Undo: func() error {
				return e.NS.withHandle(func(h *netlink.Handle) error {
					l, err := link(h)
					if err != nil {
						return err
					}
					return wrapErr(fmt.Sprintf("remove address %s from %s", e.Addr, e), h.AddrDel(l, addr))
				})
			},
		})
	}
	setUp := func(name string, up bool) func() error {
		return func() error {
			return e.NS.withHandle(func(h *netlink.Handle) error {
				l, err := h.LinkByName(name)
				if err != nil {
					return fmt.Errorf("find %s in %s: %w", name, e.NS, err)
				}
				if up {
					return wrapErr(fmt.Sprintf("set %s in %s up", name, e.NS), h.LinkSetUp(l))
				}
				return wrapErr(fmt.Sprintf("set %s in %s down", name, e.NS), h.LinkSetDown(l))
			})
		}
	}
	steps = append(steps, Step{
		Command: fmt.Sprintf("%s link set %s up", e.NS.ip(), e.Name),
		Do:      setUp(e.Name, true),
		Undo:    setUp(e.Name, false),
	})
	if loDone {
		return steps, nil
	}
	loUp := false
	err := e.NS.withHandle(func(h *netlink.Handle) error {
		lo, err := h.LinkByName("lo")
		if err != nil {
			return fmt.Errorf("find lo in %s: %w", e.NS, err)
		}
		loUp = lo.Attrs().Flags&net.FlagUp != 0
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !loUp {
		steps = append(steps, Step{
			Command: fmt.Sprintf("%s link set lo up", e.NS.ip()),
			Do:      setUp("lo", true),
			Undo:    setUp("lo", false),
		})
	}
	return steps, nil
}

// DeleteVeth returns the action that deletes the veth name in ns, and
// with it its peer wherever that is. It refuses an interface that is not
// a veth.
//
// Equivalent to: ip -n NS link del NAME
func DeleteVeth(ns NetNS, name string) (*Action, error) {
	if err := CheckIfname(name); err != nil {
		return nil, err
	}
	check := func(h *netlink.Handle) (netlink.Link, error) {
		l, err := h.LinkByName(name)
		var notFound netlink.LinkNotFoundError
		if errors.As(err, &notFound) || errors.Is(err, unix.ENODEV) {
			return nil, fmt.Errorf("no interface %s in %s: see ip link or nsdive list -t net --details", name, ns)
		}
		if err != nil {
			return nil, fmt.Errorf("find %s in %s: %w", name, ns, err)
		}
		if l.Type() != "veth" {
			return nil, fmt.Errorf("%s in %s is a %s, not a veth: nsdive deletes only veth pairs", name, ns, l.Type())
		}
		return l, nil
	}
	if err := ns.withHandle(func(h *netlink.Handle) error { _, err := check(h); return err }); err != nil {
		return nil, err
	}
	return &Action{
		Description: fmt.Sprintf("delete veth %s in %s", name, ns),
		Steps: []Step{{
			Command: fmt.Sprintf("%s link del %s", ns.ip(), name),
			Do: func() error {
				return ns.withHandle(func(h *netlink.Handle) error {
					l, err := check(h)
					if err != nil {
						return err
					}
					return needRoot(wrapErr(fmt.Sprintf("delete %s in %s", name, ns), h.LinkDel(l)))
				})
			},
		}},
	}, nil
}
