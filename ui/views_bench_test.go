package ui

import (
	"testing"

	"github.com/nsdive/nsdive/inspect"
)

// BenchmarkMountPageRefresh measures a rescan's Refresh of the mount page
// of a container on the synthetic 10,000-process, 2,000-namespace host:
// its mount table laid out and every mount's links found.
func BenchmarkMountPageRefresh(b *testing.B) {
	w := newWorld(syntheticSnapshot(10000, 2000), 0)
	var mntns inspect.NamespaceID
	for _, ns := range w.snap.SortedNamespaces() {
		if ns.Type == inspect.Mnt && ns.Container != nil {
			mntns = ns.ID
			break
		}
	}
	c := testCommon()
	c.world = w
	p := newMountPage(c, mntns)
	p.SetSize(200, 50)
	for b.Loop() {
		p.Refresh()
		_ = p.View()
	}
	b.ReportMetric(float64(len(w.snap.Mounts)), "mount-tables")
	b.ReportMetric(float64(len(p.rows)), "mounts")
}
