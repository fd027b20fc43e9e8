package actions

import (
	"errors"
	"fmt"
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
	// Master is a bridge in NS the end is enslaved to, "" for none: a
	// container's link to a bridge in a network namespace of its own.
	Master string
}

// String describes the end: "v-blue in host 10.0.0.1/24".
func (e VethEnd) String() string {
	s := e.Name + " in " + e.NS.String()
	if e.Addr.IsValid() {
		s += " " + e.Addr.String()
	}
	if e.Master != "" {
		s += " master " + e.Master
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
		if err := checkMaster(e.h, e.end); err != nil {
			return a, b, err
		}
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

// checkMaster fails unless the end's master, if any, is a bridge in its
// namespace.
func checkMaster(h *netlink.Handle, e VethEnd) error {
	if e.Master == "" {
		return nil
	}
	l, err := h.LinkByName(e.Master)
	var notFound netlink.LinkNotFoundError
	switch {
	case errors.As(err, &notFound) || errors.Is(err, unix.ENODEV):
		return fmt.Errorf("no bridge %s in %s: create it first (ip link add %s type bridge)", e.Master, e.NS, e.Master)
	case err != nil:
		return fmt.Errorf("find %s in %s: %w", e.Master, e.NS, err)
	case l.Type() != "bridge":
		return fmt.Errorf("%s in %s is a %s, not a bridge", e.Master, e.NS, l.Type())
	}
	return nil
}
