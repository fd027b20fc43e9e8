package actions

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsdive/nsdive/internal/inside"
	"github.com/nsdive/nsdive/internal/nstest"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// twoNetns makes two network namespaces under /run/netns for a test and
// returns them parsed.
func twoNetns(t *testing.T) (NetNS, NetNS) {
	t.Helper()
	var out [2]NetNS
	for i := range out {
		name := netnsName("veth")
		nstest.AddNetns(t, name)
		ns, err := ParseNetNS(name)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = ns
	}
	return out[0], out[1]
}

// links lists the interfaces of ns, with "+" after one that is up.
func links(t *testing.T, ns NetNS) []string {
	t.Helper()
	var names []string
	err := ns.withHandle(func(h *netlink.Handle) error {
		ls, err := h.LinkList()
		for _, l := range ls {
			name := l.Attrs().Name
			if l.Attrs().Flags&unix.IFF_UP != 0 {
				name += "+"
			}
			names = append(names, name)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

func sorted(s ...string) []string { slices.Sort(s); return s }

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// udpEcho sends a datagram from a socket in ns a to addr:port in ns b,
// where a socket echoes it back, and fails the test unless it returns.
func udpEcho(t *testing.T, a, b NetNS, from, to netip.Addr) {
	t.Helper()
	socketIn := func(ns NetNS, addr netip.Addr) int {
		fd := -1
		err := inside.Run(ns.Path, unix.CLONE_NEWNET, func() error {
			var err error
			fd, err = unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				return err
			}
			return unix.Bind(fd, &unix.SockaddrInet4{Addr: addr.As4()})
		})
		if err != nil {
			t.Fatalf("socket in %s at %s: %v", ns, addr, err)
		}
		t.Cleanup(func() { unix.Close(fd) })
		tv := unix.NsecToTimeval((5 * time.Second).Nanoseconds())
		if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			t.Fatal(err)
		}
		return fd
	}
	server, client := socketIn(b, to), socketIn(a, from)
	serverAddr, err := unix.Getsockname(server)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Sendto(client, []byte("nsdive"), 0, serverAddr); err != nil {
		t.Fatalf("send to %s in %s: %v", to, b, err)
	}
	buf := make([]byte, 16)
	n, peer, err := unix.Recvfrom(server, buf, 0)
	if err != nil || string(buf[:n]) != "nsdive" {
		t.Fatalf("%s in %s received %q, %v", to, b, buf[:n], err)
	}
	if err := unix.Sendto(server, buf[:n], 0, peer); err != nil {
		t.Fatal(err)
	}
	if n, _, err := unix.Recvfrom(client, buf, 0); err != nil || string(buf[:n]) != "nsdive" {
		t.Fatalf("the echo to %s in %s: %q, %v", from, a, buf[:n], err)
	}
}

func TestVethTrafficAndDelete(t *testing.T) {
	nstest.RequireRoot(t)
	nsA, nsB := twoNetns(t)
	a, b, err := PlanVeth(VethEnd{NS: nsA, Addr: mustPrefix("10.77.0.1/24")}, VethEnd{NS: nsB, Addr: mustPrefix("10.77.0.2/24")})
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "v-"+cut(nsB.Ref, 13) || b.Name != "v-"+cut(nsA.Ref, 13) {
		t.Errorf("default names %s, %s; want v- and each other's name", a.Name, b.Name)
	}
	act, err := Veth(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("ip -n %s link add %s type veth peer name %s netns %s", nsA.Ref, a.Name, b.Name, nsB.Ref)
	if got := act.Commands()[0]; got != want {
		t.Errorf("first command %q, want %q", got, want)
	}
	if err := act.Run(); err != nil {
		t.Fatal(err)
	}
	if got, want := links(t, nsA), sorted(a.Name+"+", "lo+"); !slices.Equal(got, want) {
		t.Errorf("links in %s: %q, want %q", nsA, got, want)
	}
	if got, want := links(t, nsB), sorted(b.Name+"+", "lo+"); !slices.Equal(got, want) {
		t.Errorf("links in %s: %q, want %q", nsB, got, want)
	}
	udpEcho(t, nsA, nsB, a.Addr.Addr(), b.Addr.Addr())

	// Another pair between the same namespaces gets other default names.
	a2, b2, err := PlanVeth(VethEnd{NS: nsA}, VethEnd{NS: nsB})
	if err != nil {
		t.Fatal(err)
	}
	if a2.Name == a.Name || b2.Name == b.Name || len(a2.Name) > maxIfname {
		t.Errorf("second pair named %s, %s; want others than %s, %s", a2.Name, b2.Name, a.Name, b.Name)
	}

	del, err := DeleteVeth(nsB, b.Name)
	if err != nil {
		t.Fatal(err)
	}
	if err := del.Run(); err != nil {
		t.Fatal(err)
	}
	for _, ns := range []NetNS{nsA, nsB} {
		if got := links(t, ns); !slices.Equal(got, []string{"lo+"}) {
			t.Errorf("links in %s after delete: %q, want lo alone", ns, got)
		}
	}
	if _, err := DeleteVeth(nsA, "lo"); err == nil || !strings.Contains(err.Error(), "is a device, not a veth") {
		t.Errorf("DeleteVeth(lo): %v, want a refusal", err)
	}
}

// TestVethRollsBack makes each step fail in turn and checks that the
// namespaces are as before: no link, loopback down again.
func TestVethRollsBack(t *testing.T) {
	nstest.RequireRoot(t)
	nsA, nsB := twoNetns(t)
	nstest.Run(t, "ip", "-n", nsA.Ref, "link", "add", "br0", "type", "bridge")
	a, b, err := PlanVeth(VethEnd{NS: nsA, Addr: mustPrefix("10.77.1.1/24"), Master: "br0"}, VethEnd{NS: nsB, Addr: mustPrefix("fd00:77::2/64")})
	if err != nil {
		t.Fatal(err)
	}
	probe, err := Veth(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(probe.Steps) != 8 {
		t.Fatalf("%d steps, want 8: %q", len(probe.Steps), probe.Commands())
	}
	before := map[string][]string{nsA.Ref: {"br0", "lo"}, nsB.Ref: {"lo"}}
	for k := range probe.Steps {
		act, _ := Veth(a, b)
		act.Steps[k].Do = func() error { return errInjected }
		if err := act.Run(); !errors.Is(err, errInjected) {
			t.Fatalf("step %d (%s) failing: Run() = %v", k, act.Steps[k].Command, err)
		}
		for _, ns := range []NetNS{nsA, nsB} {
			if got := links(t, ns); !slices.Equal(got, before[ns.Ref]) {
				t.Errorf("step %d (%s) failed: links in %s %q, want %q, down", k, act.Steps[k].Command, ns, got, before[ns.Ref])
			}
		}
	}
}

func TestVethRefuses(t *testing.T) {
	nstest.RequireRoot(t)
	nsA, nsB := twoNetns(t)
	gone := startInNew(t, "--net")
	if err := unix.Kill(gone.PID, unix.SIGKILL); err != nil {
		t.Fatal(err)
	}
	nstest.Poll(func() bool { return gone.Check() != nil })
	for _, tc := range []struct{ ref, want string }{
		{"/etc/hostname", "/etc/hostname is not a namespace file"},
		{"/proc/self/ns/uts", "/proc/self/ns/uts is not a network namespace"},
		{nstest.Name + "-none", "no network namespace named " + nstest.Name + "-none: see ip netns list"},
		{strconv.Itoa(gone.PID), "has exited"},
		{"/etc", "/etc is not a namespace file"},
	} {
		if _, err := ParseNetNS(tc.ref); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseNetNS(%s): %v, want %q", tc.ref, err, tc.want)
		}
	}
	for _, tc := range []struct{ a, b, want string }{
		{"this-name-is-too-long", "x", `interface name "this-name-is-too-long" has 21 bytes: the kernel takes at most 15`},
		{"lo", "x", "lo is taken in netns " + nsA.Ref + ": choose another name with --names"},
		{"a:b", "x", `bad interface name "a:b": no '/', ':' or spaces`},
	} {
		_, _, err := PlanVeth(VethEnd{NS: nsA, Name: tc.a}, VethEnd{NS: nsB, Name: tc.b})
		if err == nil || err.Error() != tc.want {
			t.Errorf("PlanVeth(%s, %s): %v, want %q", tc.a, tc.b, err, tc.want)
		}
	}
	for _, s := range []string{"10.0.0.1", "10.0.0.300/24", "10.0.0.1/33", "fe80::1%eth0/64", "blue"} {
		if _, err := ParseCIDR(s); err == nil {
			t.Errorf("ParseCIDR(%q) took it", s)
		}
	}
	if got := links(t, nsA); !slices.Equal(got, []string{"lo"}) {
		t.Errorf("links in %s: %q, want lo alone", nsA, got)
	}
}

// TestVethCyclesLeakNothing creates and deletes veth pairs many times,
// concurrently, and checks that no link, descriptor or thread in a
// foreign namespace is left.
func TestVethCyclesLeakNothing(t *testing.T) {
	nstest.RequireRoot(t)
	nsA, nsB := twoNetns(t)
	cycle := func() error {
		n := nameSeq.Add(1)
		a, b, err := PlanVeth(VethEnd{NS: nsA, Name: fmt.Sprintf("c%da", n), Addr: mustPrefix("10.77.2.1/24")},
			VethEnd{NS: nsB, Name: fmt.Sprintf("c%db", n)})
		if err != nil {
			return err
		}
		act, err := Veth(a, b)
		if err != nil {
			return err
		}
		if err := act.Run(); err != nil {
			return err
		}
		del, err := DeleteVeth(nsA, a.Name)
		if err != nil {
			return err
		}
		return del.Run()
	}
	nstest.HammerWithoutLeaks(t, []nstest.Call{{Name: "veth", Fn: cycle}, {Name: "veth again", Fn: cycle}})
	for _, ns := range []NetNS{nsA, nsB} {
		if got := links(t, ns); !slices.Equal(got, []string{"lo+"}) {
			t.Errorf("links in %s: %q, want lo alone", ns, got)
		}
	}
}

// TestVethMaster wires a namespace to a bridge in another, as the lab
// wires its containers, and checks the end is the bridge's port.
func TestVethMaster(t *testing.T) {
	nstest.RequireRoot(t)
	nsA, nsB := twoNetns(t)
	nstest.Run(t, "ip", "-n", nsA.Ref, "link", "add", "br0", "type", "bridge")
	for _, tc := range []struct{ master, want string }{
		{"lo", "lo in netns " + nsA.Ref + " is a device, not a bridge"},
		{"br9", "no bridge br9 in netns " + nsA.Ref + ": create it first (ip link add br9 type bridge)"},
	} {
		if _, _, err := PlanVeth(VethEnd{NS: nsA, Master: tc.master}, VethEnd{NS: nsB}); err == nil || err.Error() != tc.want {
			t.Errorf("master %s: %v, want %q", tc.master, err, tc.want)
		}
	}
	a, b, err := PlanVeth(VethEnd{NS: nsA, Master: "br0"}, VethEnd{NS: nsB, Addr: mustPrefix("10.77.4.2/24")})
	if err != nil {
		t.Fatal(err)
	}
	act, err := Veth(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("ip -n %s link set %s master br0", nsA.Ref, a.Name); act.Commands()[1] != want {
		t.Errorf("second command %q, want %q", act.Commands()[1], want)
	}
	if err := act.Run(); err != nil {
		t.Fatal(err)
	}
	err = nsA.withHandle(func(h *netlink.Handle) error {
		l, err := h.LinkByName(a.Name)
		if err != nil {
			return err
		}
		br, err := h.LinkByName("br0")
		if err != nil {
			return err
		}
		if l.Attrs().MasterIndex != br.Attrs().Index {
			t.Errorf("%s has master index %d, want br0's %d", a.Name, l.Attrs().MasterIndex, br.Attrs().Index)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := act.Undo(); err != nil {
		t.Fatal(err)
	}
	if got := links(t, nsB); !slices.Equal(got, []string{"lo"}) {
		t.Errorf("links in %s after Undo: %q, want lo alone and down", nsB, got)
	}
}
