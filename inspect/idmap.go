package inspect

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
)

// maxIDMapLines is the most ranges the kernel accepts in one map
// (UID_GID_MAP_MAX_EXTENTS since 4.15).
const maxIDMapLines = 340

// readUserInfo reads the id maps and setgroups policy of the user namespace
// of process pid. The kernel prints the Outside column in the reader's user
// namespace (or in the parent's when the reader is inside the namespace
// itself), so a scanner in the initial user namespace sees host ids; an id
// with no mapping there shows as 4294967295.
func readUserInfo(procRoot string, pid int) (*UserInfo, error) {
	dir := filepath.Join(procRoot, strconv.Itoa(pid))
	uidMap, err := readIDMap(filepath.Join(dir, "uid_map"))
	if err != nil {
		return nil, err
	}
	gidMap, err := readIDMap(filepath.Join(dir, "gid_map"))
	if err != nil {
		return nil, err
	}
	setgroups, err := readParsed(filepath.Join(dir, "setgroups"), parseSetgroups)
	if err != nil {
		return nil, err
	}
	return &UserInfo{UIDMap: uidMap, GIDMap: gidMap, SetGroups: setgroups}, nil
}

// readIDMap reads and parses a uid_map or gid_map file.
func readIDMap(path string) ([]IDMapRange, error) {
	return readParsed(path, parseIDMap)
}

// parseIDMap parses a uid_map or gid_map: one "inside outside length" range
// a line, right-aligned in columns of varying width. An empty file, a user
// namespace whose map is not written yet, gives nil.
func parseIDMap(data []byte) ([]IDMapRange, error) {
	if len(data) == 0 {
		return nil, nil
	}
	ranges := make([]IDMapRange, 0, min(bytes.Count(data, []byte{'\n'})+1, maxIDMapLines))
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		var cols [3]uint32
		rest := line
		for i := range cols {
			var field []byte
			field, rest = nextField(rest)
			if field == nil {
				return nil, fmt.Errorf("parse id map line %d: want 3 columns, got %d", lineNo, i)
			}
			v, ok := decUint(field, 1<<32-1)
			if !ok {
				return nil, fmt.Errorf("parse id map line %d: column %d: invalid %q", lineNo, i+1, truncateStatus(field))
			}
			cols[i] = uint32(v)
		}
		if extra, _ := nextField(rest); extra != nil {
			return nil, fmt.Errorf("parse id map line %d: more than 3 columns", lineNo)
		}
		if len(ranges) == maxIDMapLines {
			return nil, fmt.Errorf("parse id map line %d: more than %d ranges", lineNo, maxIDMapLines)
		}
		ranges = append(ranges, IDMapRange{Inside: cols[0], Outside: cols[1], Length: cols[2]})
	}
	return ranges, nil
}

// parseSetgroups parses /proc/PID/setgroups, "allow" or "deny".
func parseSetgroups(data []byte) (string, error) {
	switch v := bytes.TrimSpace(data); string(v) {
	case "allow":
		return "allow", nil
	case "deny":
		return "deny", nil
	default:
		return "", fmt.Errorf("parse setgroups: want allow or deny, got %q", truncateStatus(v))
	}
}
