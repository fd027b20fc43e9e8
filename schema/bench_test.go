package schema

import (
	"bytes"
	"io"
	"testing"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
)

// hostSnapshot scans this host with everything, once per benchmark.
func hostSnapshot(b *testing.B) (*inspect.Snapshot, []byte) {
	b.Helper()
	snap, err := inspect.Scan(b.Context(), inspect.Everything())
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, snap, snap.SortedNamespaces(), display.NewUsers().Name); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(snap.Processes)), "procs")
	return snap, buf.Bytes()
}

// BenchmarkWrite writes the whole host's snapshot, as list --json
// --details does after its scan.
func BenchmarkWrite(b *testing.B) {
	snap, data := hostSnapshot(b)
	nss := snap.SortedNamespaces()
	users := display.NewUsers()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := Write(io.Discard, snap, nss, users.Name); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead reads the whole host's snapshot back, as the explorer
// opening a saved file does.
func BenchmarkRead(b *testing.B) {
	_, data := hostSnapshot(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
