package ui

import (
	"fmt"
	"time"

	"github.com/nsdive/nsdive/inspect"
)

// netIfKey names an interface across snapshots: its namespace and ifindex.
type netIfKey struct {
	ns    inspect.NamespaceID
	index int
}

// netCounters are the interface counters of one snapshot, kept by the
// world after the snapshot itself is dropped, so that the network page
// has rates as soon as it opens.
type netCounters struct {
	taken time.Time
	by    map[netIfKey]netCount
}

// netCount is one interface's counters with its name, so that an ifindex
// given to another interface between two scans gives no rate.
type netCount struct {
	name  string
	stats inspect.LinkStats
}

// countersOf collects the counters of every interface in snap.
func countersOf(snap *inspect.Snapshot) *netCounters {
	c := &netCounters{taken: snap.Taken, by: map[netIfKey]netCount{}}
	for id, ns := range snap.Namespaces {
		if ns.Type != inspect.Net || ns.Details.Net == nil {
			continue
		}
		for _, ifc := range ns.Details.Net.Interfaces {
			if ifc.Stats != nil {
				c.by[netIfKey{id, ifc.Index}] = netCount{ifc.Name, *ifc.Stats}
			}
		}
	}
	return c
}

// netRate is an interface's traffic in bytes per second, as it sees it.
type netRate struct{ rx, tx float64 }

// ratesBetween returns the rate of every interface of cur that prev had
// too, under the same name, over the time between the two snapshots. A
// counter that went down (the interface was made again, or a 32-bit
// counter wrapped) gives no rate.
func ratesBetween(prev *netCounters, cur *inspect.Snapshot) map[netIfKey]netRate {
	rates := map[netIfKey]netRate{}
	if prev == nil {
		return rates
	}
	secs := cur.Taken.Sub(prev.taken).Seconds()
	if secs <= 0 {
		return rates
	}
	for key, now := range countersOf(cur).by {
		was, ok := prev.by[key]
		if !ok || was.name != now.name || now.stats.RxBytes < was.stats.RxBytes || now.stats.TxBytes < was.stats.TxBytes {
			continue
		}
		rates[key] = netRate{
			rx: float64(now.stats.RxBytes-was.stats.RxBytes) / secs,
			tx: float64(now.stats.TxBytes-was.stats.TxBytes) / secs,
		}
	}
	return rates
}

// sizeText writes a number of bytes as ip and iftop do, in powers of
// 1000, in at most 6 cells: "0 B", "512 B", "1.2 kB", "30 MB".
func sizeText(n float64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	u := 0
	for n >= 999.5 && u < len(units)-1 {
		n /= 1000
		u++
	}
	switch {
	case u == 0:
		return fmt.Sprintf("%.0f %s", n, units[u])
	case n < 9.95:
		return fmt.Sprintf("%.1f %s", n, units[u])
	}
	return fmt.Sprintf("%.0f %s", n, units[u])
}
