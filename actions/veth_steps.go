package actions

import (
	"errors"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

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
	if e.Master != "" {
		steps = append(steps, Step{
			Command: fmt.Sprintf("%s link set %s master %s", e.NS.ip(), e.Name, e.Master),
			Do: func() error {
				return e.NS.withHandle(func(h *netlink.Handle) error {
					l, err := link(h)
					if err != nil {
						return err
					}
					br, err := h.LinkByName(e.Master)
					if err != nil {
						return fmt.Errorf("find bridge %s in %s: %w", e.Master, e.NS, err)
					}
					return wrapErr(fmt.Sprintf("enslave %s to %s", e, e.Master), h.LinkSetMasterByIndex(l, br.Attrs().Index))
				})
			},
			Undo: func() error {
				return e.NS.withHandle(func(h *netlink.Handle) error {
					l, err := link(h)
					if err != nil {
						return err
					}
					return wrapErr(fmt.Sprintf("release %s from %s", e, e.Master), h.LinkSetNoMaster(l))
				})
			},
		})
	}
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
