package inspect

import (
	"github.com/nsdive/nsdive/internal/inside"

	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// readCgroupInfo returns the root of the cgroup namespace of process pid,
// as the scanner sees it.
//
// A cgroup namespace's root is the cgroup its creator was in when it was
// made, and /proc/PID/cgroup shows paths relative to the reader's own
// cgroup namespace root, whatever the target's. So the member's path read
// by the scanner is the root plus the member's path read from inside the
// namespace, which readCgroupInfo reads on a thread that joins it. Where
// joining fails (no CAP_SYS_ADMIN) or cannot tell (the member sits outside
// its namespace's root, or moved between the reads), the root is taken to
// be the member's own cgroup: right while it stays where it was created, as
// container inits do, too deep if it moved down later.
func readCgroupInfo(procRoot string, pid int) (*CgroupInfo, error) {
	dir := filepath.Join(procRoot, strconv.Itoa(pid))
	path := filepath.Join(dir, "cgroup")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	e, err := pickCgroup(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	outside := string(e.path)
	if self := statID(filepath.Join(procRoot, "self", "ns", "cgroup")); !self.IsZero() && self == statID(filepath.Join(dir, "ns", "cgroup")) {
		return &CgroupInfo{Root: "/"}, nil
	}
	var seenInside []byte
	err = inside.Run(filepath.Join(dir, "ns", "cgroup"), Cgroup.CloneFlag(), func() error {
		data, err := os.ReadFile(path)
		if err == nil {
			seenInside, err = cgroupPathOf(data, e.id)
		}
		return err
	})
	if err == nil {
		if root, ok := cgroupNSRoot(outside, string(seenInside)); ok {
			return &CgroupInfo{Root: root}, nil
		}
	}
	return &CgroupInfo{Root: outside}, nil
}

// cgroupNSRoot returns the root of a cgroup namespace from a member's path
// as seen from outside and from inside the namespace: outside is the root
// joined with inside. It fails when inside climbs out of the root ("/.."),
// which hides the root's name, or when the two disagree.
func cgroupNSRoot(outside, inside string) (string, bool) {
	if inside == "/" {
		return outside, true
	}
	if inside == "/.." || strings.HasPrefix(inside, "/../") || !strings.HasSuffix(outside, inside) {
		return "", false
	}
	if root := strings.TrimSuffix(outside, inside); root != "" {
		return root, true
	}
	return "/", true
}

// cgroupEntry is one line of /proc/PID/cgroup; it aliases the file's bytes.
type cgroupEntry struct {
	id          uint64
	controllers []byte
	path        []byte
}

// parseCgroup parses /proc/PID/cgroup, lines of
// "hierarchy-id:controllers:path", and returns one path for the process,
// picked as pickCgroup says.
func parseCgroup(data []byte) (string, error) {
	e, err := pickCgroup(data)
	if err != nil {
		return "", err
	}
	return string(e.path), nil
}

// pickCgroup returns the line of /proc/PID/cgroup that places the process.
//
// On a pure cgroup v2 host that is the "0::" line. Hybrid hosts mount v1
// controllers beside a cgroup2 hierarchy (at /sys/fs/cgroup/unified), and
// engines differ in which they use: systemd and podman may place a
// container's scope only in cgroup2, leaving v1's name=systemd at "/",
// while docker's cgroupfs driver places it only in the v1 hierarchies and
// leaves the "0::" line at the daemon's cgroup. So the first line that
// names a container wins, looked for in the "0::" line, then v1's
// name=systemd hierarchy (which systemd, runc and lxc all join), then the
// other v1 hierarchies; failing that, the "0::" line unless it is "/"
// (cgroup2 unused), then name=systemd, the first v1 hierarchy that is not
// "/", the "0::" line, and the first line.
func pickCgroup(data []byte) (cgroupEntry, error) {
	var (
		v2, systemd, firstV1, first cgroupEntry
		hasV2, hasSystemd           bool
		v1s                         []cgroupEntry
	)
	err := eachCgroup(data, func(e cgroupEntry) {
		if first.path == nil {
			first = e
		}
		switch {
		case e.id == 0 && len(e.controllers) == 0:
			v2, hasV2 = e, true
		case hasController(e.controllers, "name=systemd"):
			systemd, hasSystemd = e, true
		default:
			v1s = append(v1s, e)
			if firstV1.path == nil && string(e.path) != "/" {
				firstV1 = e
			}
		}
	})
	switch {
	case err != nil:
		return cgroupEntry{}, err
	case first.path == nil:
		return cgroupEntry{}, fmt.Errorf("parse cgroup: empty")
	}
	candidates := make([]cgroupEntry, 0, len(v1s)+2)
	if hasV2 {
		candidates = append(candidates, v2)
	}
	if hasSystemd {
		candidates = append(candidates, systemd)
	}
	for _, e := range append(candidates, v1s...) {
		if _, ok := matchContainer(string(e.path)); ok {
			return e, nil
		}
	}
	switch {
	case hasV2 && (string(v2.path) != "/" || !hasSystemd && firstV1.path == nil):
		return v2, nil
	case hasSystemd:
		return systemd, nil
	case firstV1.path != nil:
		return firstV1, nil
	}
	return first, nil
}

// cgroupPathOf returns the path of hierarchy id in /proc/PID/cgroup.
func cgroupPathOf(data []byte, id uint64) ([]byte, error) {
	var path []byte
	err := eachCgroup(data, func(e cgroupEntry) {
		if e.id == id && path == nil {
			path = e.path
		}
	})
	if err == nil && path == nil {
		err = fmt.Errorf("parse cgroup: no hierarchy %d", id)
	}
	return path, err
}

// eachCgroup calls fn with each line of /proc/PID/cgroup, stopping at the
// first malformed one.
func eachCgroup(data []byte, fn func(cgroupEntry)) error {
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		// The path may itself hold colons, so split at the first two.
		c1 := bytes.IndexByte(line, ':')
		if c1 < 0 {
			return fmt.Errorf("parse cgroup line %d: no hierarchy id in %q", lineNo, truncateStatus(line))
		}
		c2 := bytes.IndexByte(line[c1+1:], ':')
		if c2 < 0 {
			return fmt.Errorf("parse cgroup line %d: no controllers in %q", lineNo, truncateStatus(line))
		}
		c2 += c1 + 1
		id, ok := decUint(line[:c1], 1<<31-1)
		if !ok {
			return fmt.Errorf("parse cgroup line %d: hierarchy id %q", lineNo, truncateStatus(line[:c1]))
		}
		e := cgroupEntry{id: id, controllers: line[c1+1 : c2], path: line[c2+1:]}
		if len(e.path) == 0 || e.path[0] != '/' {
			return fmt.Errorf("parse cgroup line %d: path %q is not absolute", lineNo, truncateStatus(e.path))
		}
		if e.id == 0 && len(e.controllers) == 0 {
			// A v2 cgroup removed while a zombie still belongs to it.
			e.path = bytes.TrimSuffix(e.path, []byte(" (deleted)"))
		}
		fn(e)
	}
	return nil
}

// hasController reports whether the comma-separated list holds name.
func hasController(list []byte, name string) bool {
	for len(list) > 0 {
		item := list
		if comma := bytes.IndexByte(list, ','); comma >= 0 {
			item, list = list[:comma], list[comma+1:]
		} else {
			list = nil
		}
		if string(item) == name {
			return true
		}
	}
	return false
}
