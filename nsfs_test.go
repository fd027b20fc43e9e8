package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// TestListMountElsewhere lists a network namespace bound on a file in
// another mount namespace only: in nsdive's own, that path is an ordinary
// file, so NSFS and PATH must not show it, as lsns does not; HOLDERS and
// the snapshot keep the mount with the mount namespace it is in.
func TestListMountElsewhere(t *testing.T) {
	nstest.RequireRoot(t)
	m := nstest.StartMountedElsewhere(t)
	var out struct {
		Namespaces []struct {
			NS      uint64  `json:"ns"`
			Path    *string `json:"path"`
			NSFS    *string `json:"nsfs"`
			Holders *string `json:"holders"`
		} `json:"namespaces"`
	}
	nsdiveJSON(t, &out, "list", "--json", "--list", "-t", "net", "-o", "NS,PATH,NSFS,HOLDERS")
	found := false
	wantHolders := fmt.Sprintf("mount:%s@mnt:%d", m.Path, m.Mnt.Ino)
	for _, r := range out.Namespaces {
		if r.NS != m.Net.Ino {
			continue
		}
		found = true
		if r.Path != nil || r.NSFS != nil {
			t.Errorf("PATH %s, NSFS %s; want neither: %s is an ordinary file in nsdive's mount namespace", show(r.Path), show(r.NSFS), m.Path)
		}
		// Other processes on the host (another scan, say) may hold the
		// namespace open for a moment: only its mounts are the test's.
		var mounts []string
		if r.Holders != nil {
			for _, h := range strings.FieldsFunc(*r.Holders, func(c rune) bool { return c == '\n' || c == ',' }) {
				if strings.HasPrefix(h, "mount:") {
					mounts = append(mounts, h)
				}
			}
		}
		if strings.Join(mounts, ",") != wantHolders {
			t.Errorf("HOLDERS %s, want its one mount %q", show(r.Holders), wantHolders)
		}
	}
	if !found {
		t.Fatalf("the net namespace %d bound at %s in mount namespace %d is not listed", m.Net.Ino, m.Path, m.Mnt.Ino)
	}

	var snap snapshotJSON
	nsdiveJSON(t, &snap, "list", "--json", "--details")
	for _, ns := range snap.Namespaces {
		if ns.NS != m.Net.Ino {
			continue
		}
		var got []string
		for _, h := range ns.Holders {
			if h.Kind == "mount" {
				got = append(got, fmt.Sprintf("%s %s %d", h.Kind, h.Path, h.MntNS))
			}
		}
		if want := fmt.Sprintf("mount %s %d", m.Path, m.Mnt.Ino); strings.Join(got, ",") != want {
			t.Errorf("holders %q, want [%s]", got, want)
		}
		return
	}
	t.Errorf("the net namespace %d is not in the snapshot", m.Net.Ino)
}
