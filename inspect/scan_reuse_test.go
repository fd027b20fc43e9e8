package inspect

import "testing"

// TestScanInodeReusedByAnotherType scans a /proc where pid 20's net link
// and pid 21's uts link name the same inode: the kernel freed pid 20's
// namespace after the scan read it and gave its number to a new namespace
// of another type before the scan read pid 21 (it hands out the lowest
// free number, so on a busy host this happens within one scan). One
// namespace cannot be both: the first type read stands, and the link that
// contradicts it is left unread, as if its process had changed mid-read.
func TestScanInodeReusedByAnotherType(t *testing.T) {
	snap, err := Scan(t.Context(), Options{ProcRoot: "testdata/proctree_reused", ForChildren: true})
	if err != nil {
		t.Fatal(err)
	}
	reused := NamespaceID{Ino: 4026532400}
	ns := snap.Namespaces[reused]
	if ns == nil || ns.Type != Net || len(ns.Processes) != 1 || ns.Processes[0].PID != 20 {
		t.Fatalf("namespace %v = %+v, want net with pid 20 alone", reused, ns)
	}
	p := snap.Processes[21]
	if p == nil {
		t.Fatal("pid 21 is missing from the snapshot")
	}
	if got := p.Namespaces[LinkUTS]; !got.IsZero() {
		t.Errorf("pid 21's uts link = %v, want it unread: %v is a net namespace", got, reused)
	}
	for id, ns := range snap.Namespaces {
		for _, p := range ns.Processes {
			if p.Namespaces[LinkOf(ns.Type)] != id {
				t.Errorf("%s namespace %v lists pid %d, whose %s link is %v", ns.Type, id, p.PID, ns.Type, p.Namespaces[LinkOf(ns.Type)])
			}
		}
	}
}
