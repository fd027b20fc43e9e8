package main

import (
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// jsonContainer is a container as nsdive's JSON carries it.
type jsonContainer struct {
	Engine string `json:"engine"`
	ID     string `json:"id"`
	Name   string `json:"name"`
}

// String shows it as the CONTAINER column does.
func (c jsonContainer) String() string { return c.Engine + ":" + c.Name + " " + c.ID }

// jsonInterface is an interface of a network namespace's details.
type jsonInterface struct {
	Index  int    `json:"index"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Master string `json:"master"`
	Peer   *struct {
		NS    uint64 `json:"ns"`
		Index int    `json:"index"`
		Name  string `json:"name"`
	} `json:"peer"`
}

// checkDetailsContainers checks list --json --details: each namespace's
// containers, each eth0's host end and bridge, and docker's netns bind
// mounts as holders.
func checkDetailsContainers(t *testing.T, ctrs []*realContainer, expect map[uint64][]*realContainer) {
	type namespace struct {
		NS         uint64          `json:"ns"`
		Container  *jsonContainer  `json:"container"`
		Containers []jsonContainer `json:"containers"`
		Holders    []struct {
			Kind string `json:"kind"`
			Path string `json:"path"`
		} `json:"holders"`
		Details *struct {
			Net *struct {
				Interfaces []jsonInterface `json:"interfaces"`
			} `json:"net"`
		} `json:"details"`
	}
	var got struct {
		Namespaces []namespace `json:"namespaces"`
	}
	nsdiveJSON(t, &got, "list", "--json", "--details")
	byIno := make(map[uint64]*namespace)
	for i := range got.Namespaces {
		byIno[got.Namespaces[i].NS] = &got.Namespaces[i]
	}
	for ino, cs := range expect {
		ns := byIno[ino]
		if ns == nil {
			t.Errorf("--details: no namespace %d", ino)
			continue
		}
		var have []string
		for _, c := range ns.Containers {
			have = append(have, c.String())
		}
		slices.Sort(have)
		if want := labels(cs); !slices.Equal(have, want) {
			t.Errorf("--details: namespace %d has containers %q, want %q", ino, have, want)
		}
		if len(cs) == 1 && (ns.Container == nil || ns.Container.String() != cs[0].label()) {
			t.Errorf("--details: namespace %d has container %v, want %s", ino, ns.Container, cs[0].label())
		}
		if len(cs) > 1 && ns.Container != nil {
			t.Errorf("--details: namespace %d, shared by %d containers, has container %v", ino, len(cs), ns.Container)
		}
	}
	hostNet := byIno[nstest.IDOf(os.Getpid(), "net").Ino]
	if hostNet == nil || hostNet.Details == nil || hostNet.Details.Net == nil {
		t.Fatalf("--details: no interfaces for the test's own network namespace")
	}
	for _, c := range ctrs {
		net := byIno[nstest.IDOf(c.pid, "net").Ino]
		if net == nil {
			continue
		}
		if c.sandbox != "" && !slices.ContainsFunc(net.Holders, func(h struct {
			Kind string `json:"kind"`
			Path string `json:"path"`
		}) bool {
			return h.Kind == "mount" && h.Path == c.sandbox
		}) {
			t.Errorf("--details: %s's network namespace %d is not held by its netns mount %s: %+v", c.name, net.NS, c.sandbox, net.Holders)
		}
		if c.bridge == "" {
			continue
		}
		checkVethPeer(t, c, net.Details.Net.Interfaces, hostNet.NS, hostNet.Details.Net.Interfaces)
	}
}

// checkVethPeer checks that the container's eth0 names as its peer the
// host veth that ip shows at the other end, and that this veth is on the
// container's bridge.
func checkVethPeer(t *testing.T, c *realContainer, inside []jsonInterface, hostNS uint64, host []jsonInterface) {
	t.Helper()
	i := slices.IndexFunc(inside, func(in jsonInterface) bool { return in.Name == "eth0" })
	if i < 0 || inside[i].Peer == nil {
		t.Errorf("--details: %s has no eth0 with a peer: %+v", c.name, inside)
		return
	}
	peer := inside[i].Peer
	// ip names the peer's index after the @: "2: eth0@if17: ...".
	out, err := exec.Command("nsenter", "-t", strconv.Itoa(c.pid), "-n", "ip", "-o", "link", "show", "eth0").Output()
	if err != nil {
		t.Fatalf("ip link show eth0 in %s: %v", c.name, err)
	}
	_, after, _ := strings.Cut(string(out), "eth0@if")
	want, _ := strconv.Atoi(strings.TrimRight(strings.Fields(after + " ")[0], ":"))
	if peer.NS != hostNS || peer.Index != want {
		t.Errorf("--details: %s's eth0 has peer %+v, want index %d in namespace %d", c.name, *peer, want, hostNS)
	}
	j := slices.IndexFunc(host, func(h jsonInterface) bool { return h.Index == peer.Index })
	if j < 0 {
		t.Errorf("--details: host has no interface %d, %s's peer", peer.Index, c.name)
		return
	}
	if h := host[j]; h.Name != peer.Name || h.Kind != "veth" || h.Master != c.bridge {
		t.Errorf("--details: %s's host veth is %+v, want %s, a veth on %s", c.name, h, peer.Name, c.bridge)
	}
}
