package inspect

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkScan scans the live /proc with the options `nsdive list` uses
// (list), those it uses for -o +HOLDERS (list-holders)
// and with everything on. It measures whatever runs on the host: start
// processes first (bench/compare-lsns.sh does, for nsdive against lsns) to
// see how the cost grows. ns/process is the time per process in the last
// snapshot, threads not counted; it should stay flat as processes grow.
func BenchmarkScan(b *testing.B) {
	benchmarks := []struct {
		name string
		opts Options
	}{
		{"list", Options{Lazy: true, BindMounts: true, Threads: true, FDs: true}},
		{"list-holders", Options{Lazy: true, BindMounts: true, Threads: true, FDs: true, ForChildren: true}},
		// What a long-running program pays for a complete Process.Key.
		{"list-with-keys", Options{BindMounts: true, Threads: true, FDs: true}},
		{"everything", Everything()},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			var snap *Snapshot
			for b.Loop() {
				var err error
				if snap, err = Scan(b.Context(), bm.opts); err != nil {
					b.Fatal(err)
				}
			}
			reportPerProcess(b, snap)
		})
	}
}

// BenchmarkRescan times the explorer's rescans: a Rescanner with
// everything but threads, after a first scan, so that each scan takes
// from the one before every process that has not run since. reused is
// the share of processes taken so in the last scan.
func BenchmarkRescan(b *testing.B) {
	opts := Everything()
	opts.Threads = false
	r := NewRescanner(opts)
	if _, err := r.Scan(b.Context()); err != nil {
		b.Fatal(err)
	}
	var snap *Snapshot
	for b.Loop() {
		var err error
		if snap, err = r.Scan(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
	procs := reportPerProcess(b, snap)
	b.ReportMetric(float64(r.reused)/float64(procs), "reused")
}

// reportPerProcess reports how many processes snap has and the time per
// process, and returns the count.
func reportPerProcess(b *testing.B, snap *Snapshot) int {
	procs := 0
	for _, p := range snap.Processes {
		if !p.IsThread() {
			procs++
		}
	}
	if procs == 0 {
		b.Fatal("the scan found no process")
	}
	b.ReportMetric(float64(procs), "processes")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(procs), "ns/process")
	return procs
}

// BenchmarkParseStat parses a stat line captured from a running cat, read
// once per scanned task.
func BenchmarkParseStat(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "stat", "self"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseStat(data); err != nil {
			b.Fatal(err)
		}
	}
}
