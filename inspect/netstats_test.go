package inspect

import (
	"encoding/json"
	"net"
	"testing"

	"github.com/nsdive/nsdive/internal/inside"
	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

// ipStats reads an interface's counters as ip -s -j link show prints them.
func ipStats(t testing.TB, netns, dev string) LinkStats {
	t.Helper()
	var links []struct {
		Stats struct {
			Rx struct{ Bytes, Packets uint64 } `json:"rx"`
			Tx struct{ Bytes, Packets uint64 } `json:"tx"`
		} `json:"stats64"`
	}
	if err := json.Unmarshal(ipRun(t, "-n", netns, "-s", "-j", "link", "show", "dev", dev), &links); err != nil || len(links) != 1 {
		t.Fatalf("ip -s -j link show dev %s in %s: %v (%d links)", dev, netns, err, len(links))
	}
	s := links[0].Stats
	return LinkStats{RxBytes: s.Rx.Bytes, TxBytes: s.Tx.Bytes, RxPackets: s.Rx.Packets, TxPackets: s.Tx.Packets}
}

// statsOf reads namespace ns and returns the counters of its interface dev.
func statsOf(t testing.TB, ns testNetns, dev string) LinkStats {
	t.Helper()
	info, err := readNet(joinOnce(Net), ns.path)
	if err != nil {
		t.Fatal(err)
	}
	st := findInterface(t, info, dev).Stats
	if st == nil {
		t.Fatalf("%s in %s: no counters read", dev, ns.name)
	}
	return *st
}

// TestNetStatsGrow sends UDP datagrams from a over the veth pair va-vb of
// netFixture and reads the counters again: va sent them and vb received
// them, at least the payload's bytes each, and every reading lies between
// two of iproute2's taken around it.
func TestNetStatsGrow(t *testing.T) {
	nstest.RequireRoot(t)
	a, b := netFixture(t)
	readNetUp(t, a.path, "va")
	readNetUp(t, b.path, "vb")

	ipBefore := ipStats(t, a.name, "va")
	va0, vb0 := statsOf(t, a, "va"), statsOf(t, b, "vb")
	if va0.TxBytes < ipBefore.TxBytes || va0.TxPackets < ipBefore.TxPackets {
		t.Errorf("va counters %+v read after ip's %+v are smaller", va0, ipBefore)
	}

	const datagrams, size = 20, 1000
	send := func() error {
		// Unconnected, so that b's port unreachable replies do not
		// fail the next write.
		conn, err := net.ListenPacket("udp4", "10.201.0.1:0")
		if err != nil {
			return err
		}
		defer conn.Close()
		to := &net.UDPAddr{IP: net.IPv4(10, 201, 0, 2), Port: 9}
		payload := make([]byte, size)
		for range datagrams {
			if _, err := conn.WriteTo(payload, to); err != nil {
				return err
			}
		}
		return nil
	}
	// The first datagrams may wait for ARP, or be dropped by it: send
	// again until the counters show the traffic.
	var va, vb LinkStats
	grown := nstest.Poll(func() bool {
		if err := inside.Run(a.path, unix.CLONE_NEWNET, send); err != nil {
			t.Fatalf("send from %s: %v", a.name, err)
		}
		va, vb = statsOf(t, a, "va"), statsOf(t, b, "vb")
		return va.TxBytes >= va0.TxBytes+datagrams*size && vb.RxBytes >= vb0.RxBytes+datagrams*size
	})
	if !grown {
		t.Fatalf("after sending %d×%d bytes: va %+v (was %+v), vb %+v (was %+v)", datagrams, size, va, va0, vb, vb0)
	}
	if va.TxPackets < va0.TxPackets+datagrams || vb.RxPackets < vb0.RxPackets+datagrams {
		t.Errorf("packets: va sent %d (was %d), vb received %d (was %d); want %d more each",
			va.TxPackets, va0.TxPackets, vb.RxPackets, vb0.RxPackets, datagrams)
	}
	if ipAfter := ipStats(t, b.name, "vb"); ipAfter.RxBytes < vb.RxBytes || ipAfter.RxPackets < vb.RxPackets {
		t.Errorf("vb counters %+v read before ip's %+v are larger", vb, ipAfter)
	}
}
