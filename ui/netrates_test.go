package ui

import (
	"testing"
	"time"

	"github.com/nsdive/nsdive/inspect"
)

// TestNetRates: two snapshots of the fixture 2 s apart, every counter
// doubled in the second, give each interface its base counter over 2 s;
// an interface missing from the first, renamed, or whose counter went
// down gets none.
func TestNetRates(t *testing.T) {
	first := netFixture(1, netFixtureTaken)
	second := netFixture(2, netFixtureTaken.Add(2*time.Second))
	// db's eth0 was made again between the scans: its counters restarted.
	second.Namespaces[netDB].Details.Net.Interfaces[1].Stats = &inspect.LinkStats{RxBytes: 10, TxBytes: 10}
	// red's veth is another interface under the same ifindex.
	second.Namespaces[netRed].Details.Net.Interfaces[1].Name = "v-other"

	rates := ratesBetween(countersOf(first), second)
	tests := []struct {
		name string
		key  netIfKey
		want *netRate
	}{
		{"host eth0", netIfKey{netHost, 2}, &netRate{rx: 26_000, tx: 6_500}},
		{"docker0", netIfKey{netHost, 3}, &netRate{rx: 15_500, tx: 1_200_000}},
		{"web eth0", netIfKey{netWeb, 2}, &netRate{rx: 1_200_000, tx: 15_000}},
		{"idle lo", netIfKey{netLonely, 1}, &netRate{}},
		{"db eth0 made again", netIfKey{netDB, 2}, nil},
		{"red's ifindex renamed", netIfKey{netRed, 6}, nil},
		{"not in the snapshot", netIfKey{netHost, 99}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := rates[tt.key]
			if ok != (tt.want != nil) || ok && got != *tt.want {
				t.Errorf("rate = %+v (known %v), want %+v", got, ok, tt.want)
			}
		})
	}
	if got := ratesBetween(nil, second); len(got) != 0 {
		t.Errorf("without a previous snapshot: %v, want no rates", got)
	}
	if got := ratesBetween(countersOf(second), second); len(got) != 0 {
		t.Errorf("over no time: %v, want no rates", got)
	}
}

func TestSizeText(t *testing.T) {
	for n, want := range map[float64]string{
		0: "0 B", 512: "512 B", 999.4: "999 B", 999.6: "1.0 kB", 1_234: "1.2 kB",
		15_500: "16 kB", 1_200_000: "1.2 MB", 100e6: "100 MB", 3.2e18: "3200 PB",
	} {
		if got := sizeText(n); got != want {
			t.Errorf("sizeText(%v) = %q, want %q", n, got, want)
		}
	}
}
