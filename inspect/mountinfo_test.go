package inspect

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func mountinfoFile(name string) string { return filepath.Join("testdata", "mountinfo", name) }

// checkMounts compares mount tables field by field.
func checkMounts(t *testing.T, got, want []Mount) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d mounts, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("mount %d:\n got %#v\nwant %#v", i, got[i], want[i])
		}
	}
}

func TestMountinfoParseFiles(t *testing.T) {
	tmpfs := func(id, minor int, mountPoint string, p Propagation) Mount {
		return Mount{ID: id, ParentID: 43, Minor: uint32(minor), Root: "/", MountPoint: mountPoint,
			Options: "rw,relatime", Propagation: p, FSType: "tmpfs", Source: "demo", SuperOptions: "rw"}
	}
	tests := []struct {
		file string
		want []Mount
	}{
		{"empty.txt", []Mount{}},
		{
			// Captured from a chroot in a mount namespace holding every
			// propagation form; /relay-view is a slave of a group that is
			// outside the chroot, hence propagate_from.
			"chroot-propagation.txt",
			[]Mount{
				{ID: 64, ParentID: 43, Major: 254, Root: "/usr", MountPoint: "/usr", Options: "rw,relatime",
					FSType: "ext4", Source: "/dev/vda", SuperOptions: "rw,discard,resv_strict,resuid=65534,resgid=65534"},
				tmpfs(65, 38, "/shared", Propagation{Shared: 2}),
				tmpfs(66, 38, "/slave", Propagation{Master: 2}),
				tmpfs(67, 38, "/shared-slave", Propagation{Shared: 3, Master: 2}),
				tmpfs(68, 39, "/private", Propagation{}),
				tmpfs(69, 40, "/unbindable", Propagation{Unbindable: true}),
				tmpfs(71, 38, "/relay-view", Propagation{Master: 4, PropagateFrom: 2}),
				{ID: 72, ParentID: 43, Minor: 41, Root: "/", MountPoint: "/with space", Options: "rw,relatime",
					FSType: "tmpfs", Source: "my source", SuperOptions: "rw"},
				{ID: 73, ParentID: 43, Minor: 42, Root: "/", MountPoint: "/tab\tstop", Options: "rw,relatime",
					FSType: "tmpfs", Source: "tab\tsrc", SuperOptions: "rw"},
				{ID: 74, ParentID: 43, Minor: 43, Root: "/", MountPoint: `/back\slash`, Options: "rw,relatime",
					FSType: "tmpfs", Source: `back\src`, SuperOptions: "rw"},
				{ID: 75, ParentID: 43, Minor: 44, Root: "/", MountPoint: "/emptysrc", Options: "rw,relatime",
					FSType: "tmpfs", Source: "", SuperOptions: "rw"},
				{ID: 76, ParentID: 43, Minor: 4, Root: "net:[4026532177]", MountPoint: "/netns/blue", Options: "rw",
					FSType: "nsfs", Source: "nsfs", SuperOptions: "rw"},
			},
		},
		{
			// Hand-written: several and unknown optional fields, every
			// escape, a blank line, unescaped spaces in the super options
			// and no newline at the end.
			"crafted.txt",
			[]Mount{
				{ID: 1, Major: 8, Minor: 1, Root: "/", MountPoint: "/", Options: "rw,relatime",
					Propagation: Propagation{Shared: 1}, FSType: "ext4", Source: "/dev/sda1",
					SuperOptions: "rw,errors=remount-ro"},
				{ID: 2, ParentID: 1, Minor: 5, Root: "/", MountPoint: "/var/lib/a b\tc\\d\ne", Options: "rw",
					Propagation: Propagation{Shared: 7, Master: 3, PropagateFrom: 1},
					FSType:      "tmpfs", Source: "src x", SuperOptions: "rw,size=1k"},
				{ID: 3, ParentID: 1, Minor: 6, Root: `/sub\dir`, MountPoint: "/mnt", Options: "rw,nosuid",
					Propagation: Propagation{Master: 3, Unbindable: true},
					FSType:      "fuse.my fs", Source: `user\host:/x`, SuperOptions: "rw,user_id=0 unescaped words"},
				{ID: 612, ParentID: 30, Minor: 4, Root: "net:[4026532289]", MountPoint: "/run/netns/blue",
					Options: "rw", FSType: "nsfs", Source: "nsfs", SuperOptions: "rw"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := readParsed(mountinfoFile(tt.file), parseMountinfo)
			if err != nil {
				t.Fatal(err)
			}
			checkMounts(t, got, tt.want)
		})
	}
}

// TestMountinfoRoundTrip checks captured tables line by line against
// Mount.String, which writes a mount back the way the kernel does.
func TestMountinfoRoundTrip(t *testing.T) {
	for _, file := range []string{"host.txt", "chroot-propagation.txt"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(mountinfoFile(file))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			mounts, err := parseMountinfo(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(mounts) != len(lines) {
				t.Fatalf("got %d mounts from %d lines", len(mounts), len(lines))
			}
			for i, m := range mounts {
				if got := fmt.Sprint(m); got != lines[i] {
					t.Errorf("line %d:\n got %s\nwant %s", i+1, got, lines[i])
				}
			}
		})
	}
}

func TestMountinfoReadErrors(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		want     string
		notExist bool
	}{
		{"missing file", mountinfoFile("missing.txt"), "read testdata/mountinfo/missing.txt: ", true},
		{"bad line", mountinfoFile("bad.txt"), `testdata/mountinfo/bad.txt: line 3: no "-" after the optional fields`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mounts, err := readParsed(tt.path, parseMountinfo)
			if err == nil {
				t.Fatalf("got %d mounts, want an error", len(mounts))
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got error %q, want it to start with %q", err, tt.want)
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tt.notExist {
				t.Errorf("errors.Is(%q, fs.ErrNotExist) = %v, want %v", err, got, tt.notExist)
			}
		})
	}
}

// TestMountinfoReadProc reads the live table, which procfs reports as
// zero bytes long.
func TestMountinfoReadProc(t *testing.T) {
	mounts, err := readParsed("/proc/self/mountinfo", parseMountinfo)
	if err != nil {
		t.Fatal(err)
	}
	root := false
	for _, m := range mounts {
		root = root || m.MountPoint == "/"
	}
	if !root {
		t.Errorf("no mount at / among %d mounts", len(mounts))
	}
}

func TestMountinfoParseLineErrors(t *testing.T) {
	tests := []struct {
		line string
		want string
	}{
		{"21", "too few fields"},
		{"21 26 0:20 / /proc", "too few fields"},
		{"x 26 0:20 / /proc rw - proc proc rw", `invalid mount ID "x"`},
		{"-1 26 0:20 / /proc rw - proc proc rw", `invalid mount ID "-1"`},
		{"99999999999 26 0:20 / /proc rw - proc proc rw", `invalid mount ID "99999999999"`},
		{"21 +26 0:20 / /proc rw - proc proc rw", `invalid parent ID "+26"`},
		{"21 26 0-20 / /proc rw - proc proc rw", `invalid major:minor "0-20"`},
		{"21 26 0:x / /proc rw - proc proc rw", `invalid major:minor "0:x"`},
		{"21 26 4294967296:0 / /proc rw - proc proc rw", `invalid major:minor "4294967296:0"`},
		{"21 26 0:20 / /proc rw shared:1 proc proc rw", `no "-" after the optional fields`},
		{"21 26 0:20 / /proc rw -", `too few fields after "-"`},
		{"21 26 0:20 / /proc rw - proc", `too few fields after "-"`},
		{"21 26 0:20 / /proc rw shared:x - proc proc rw", `optional field "shared:x": invalid peer group ID "x"`},
		{"21 26 0:20 / /proc rw master: - proc proc rw", `optional field "master:": invalid peer group ID ""`},
		{"21 26 0:20 / /proc rw propagate_from:-3 - proc proc rw", `optional field "propagate_from:-3": invalid peer group ID "-3"`},
		{"21 26 0:20 / /proc rw shared:0 - proc proc rw", `optional field "shared:0": peer group ID 0`},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			m, err := parseMountinfoLine(tt.line)
			if err == nil {
				t.Fatalf("got %v, want an error", m)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestMountinfoUnescape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"/plain/path", "/plain/path"},
		{`/a\040b`, "/a b"},
		{`\011\012\134`, "\t\n\\"},
		{`\0401`, " 1"},
		{`\134040`, `\040`},
		{`\400`, `\400`},   // above a byte: not an escape
		{`\08`, `\08`},     // not octal
		{`a\04`, `a\04`},   // cut short
		{`end\`, `end\`},   // trailing backslash
		{`\\040`, `\ `},    // the second backslash starts the escape
		{`\101\141`, "Aa"}, // any octal byte, though the kernel escapes only four
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := unescapeMountinfo(tt.in); got != tt.want {
				t.Errorf("unescapeMountinfo(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPropagationString(t *testing.T) {
	tests := []struct {
		p    Propagation
		want string
	}{
		{Propagation{}, "private"},
		{Propagation{Shared: 1}, "shared"},
		{Propagation{Master: 1}, "private,slave"},
		{Propagation{Master: 1, PropagateFrom: 2}, "private,slave"},
		{Propagation{Shared: 2, Master: 1}, "shared,slave"},
		{Propagation{Unbindable: true}, "private,unbindable"},
		// The kernel clears unbindable when it makes a mount shared or a
		// slave; findmnt would still print all three words.
		{Propagation{Shared: 2, Master: 1, Unbindable: true}, "shared,slave,unbindable"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.p.String(); got != tt.want {
				t.Errorf("%#v.String() = %q, want %q", tt.p, got, tt.want)
			}
		})
	}
}

// FuzzParseMountinfo checks that the parser never panics and that what it
// accepts survives a trip through Mount.String.
func FuzzParseMountinfo(f *testing.F) {
	for _, file := range []string{"host.txt", "chroot-propagation.txt", "crafted.txt", "bad.txt", "empty.txt"} {
		data, err := os.ReadFile(mountinfoFile(file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("1 2 0:1 / /m - - t s o\n"))
	f.Add([]byte("1 2 0:1 / /m rw shared:1 - - - -\n"))
	f.Add([]byte("1 2 0:1 \\134 \\0401 rw unbindable:1 master:1:2 - t  \n"))
	f.Add([]byte("1 2 0:4 net:[9] /run/netns/x rw - nsfs nsfs rw\n3 2 0:5 / /t rw - tmpfs - nsfs words\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		mounts, err := parseMountinfo(data)
		if err != nil {
			return
		}
		lines := 0
		for line := range strings.SplitSeq(string(data), "\n") {
			if line != "" {
				lines++
			}
		}
		if len(mounts) != lines {
			t.Fatalf("got %d mounts from %d lines", len(mounts), lines)
		}
		for _, m := range mounts {
			if m.ID < 0 || m.ParentID < 0 || m.Shared < 0 || m.Master < 0 || m.PropagateFrom < 0 {
				t.Fatalf("negative id in %#v", m)
			}
			if strings.ContainsAny(m.Options, " \n") || strings.ContainsRune(m.SuperOptions, '\n') {
				t.Fatalf("field holds a separator: %#v", m)
			}
			again, err := parseMountinfoLine(m.String())
			if err != nil {
				t.Fatalf("reparse %q: %v", m.String(), err)
			}
			if again != m {
				t.Fatalf("round trip through %q:\n got %#v\nwant %#v", m.String(), again, m)
			}
		}
		// The nsfs-only parser keeps exactly the full parser's nsfs mounts.
		nsfs, err := parseNSFSMounts(data)
		if err != nil {
			t.Fatalf("parseNSFSMounts fails where parseMountinfo does not: %v", err)
		}
		var want []Mount
		for _, m := range mounts {
			if m.FSType == "nsfs" {
				want = append(want, m)
			}
		}
		if !slices.Equal(nsfs, want) {
			t.Fatalf("parseNSFSMounts = %#v, want %#v", nsfs, want)
		}
	})
}

// benchmarkMountinfo builds a mountinfo of n lines shaped like a container
// host's: overlay mounts with long options, some shared or slave, a few
// escaped paths.
func benchmarkMountinfo(n int) []byte {
	var b strings.Builder
	for i := range n {
		opt := ""
		switch i % 4 {
		case 0:
			opt = fmt.Sprintf(" shared:%d", i/4+1)
		case 1:
			opt = fmt.Sprintf(" master:%d", i/4+1)
		case 2:
			opt = fmt.Sprintf(" shared:%d master:%d", n+i, i/4+1)
		}
		dir := fmt.Sprintf("%064x", i*7919)
		switch {
		case i%50 == 0:
			fmt.Fprintf(&b, "%d %d 0:%d / /media/usb\\040disk\\040%d rw,nosuid,nodev,relatime%s - vfat /dev/sd%c1 rw,fmask=0022,dmask=0022\n",
				i+100, i+99, i%256, i, opt, 'a'+i%26)
		default:
			fmt.Fprintf(&b, "%d %d 0:%d / /var/lib/docker/overlay2/%s/merged rw,relatime%s - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/%s:/var/lib/docker/overlay2/l/base,upperdir=/var/lib/docker/overlay2/%s/diff,workdir=/var/lib/docker/overlay2/%s/work\n",
				i+100, i+99, i%256, dir, opt, dir[:26], dir, dir)
		}
	}
	return []byte(b.String())
}

func BenchmarkParseMountinfo(b *testing.B) {
	data := benchmarkMountinfo(5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		mounts, err := parseMountinfo(data)
		if err != nil {
			b.Fatal(err)
		}
		if len(mounts) != 5000 {
			b.Fatalf("got %d mounts", len(mounts))
		}
	}
}

// TestParseNSFSMounts checks the nsfs-only parser keeps exactly the nsfs
// mounts the full parser finds, and still rejects a malformed nsfs line.
func TestParseNSFSMounts(t *testing.T) {
	for _, file := range []string{"host.txt", "chroot-propagation.txt", "crafted.txt", "empty.txt"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(mountinfoFile(file))
			if err != nil {
				t.Fatal(err)
			}
			all, err := parseMountinfo(data)
			if err != nil {
				t.Fatal(err)
			}
			var want []Mount
			for _, m := range all {
				if m.FSType == "nsfs" {
					want = append(want, m)
				}
			}
			got, err := parseNSFSMounts(data)
			if err != nil {
				t.Fatal(err)
			}
			checkMounts(t, got, want)
		})
	}
	bad := []byte("22 1 0:4 net:[1] /run/netns/a rw - nsfs nsfs rw\n23 1 0:4 net:[2] /run/netns/b rw shared: - nsfs nsfs rw\n")
	if mounts, err := parseNSFSMounts(bad); err == nil || !strings.HasPrefix(err.Error(), "line 2: ") {
		t.Errorf("malformed nsfs line: got %d mounts and error %v, want an error for line 2", len(mounts), err)
	}
}
