package inspect

import (
	"bytes"
	"fmt"
)

// procStatus is what a scan takes from /proc/PID/status.
type procStatus struct {
	Name    string
	Tgid    int
	PPid    int
	UID     int // real uid
	EUID    int // effective uid
	Threads int
	// NStgid and NSpid list the thread group id and the task id in each
	// pid namespace, from the one procfs was mounted in down to the
	// task's own; nil on kernels without them (before 4.1).
	NStgid []int
	NSpid  []int
}

// maxPIDNSLevels bounds the NSpid list: the kernel nests at most 32 pid
// namespaces below the initial one (MAX_PID_NS_LEVEL).
const maxPIDNSLevels = 33

// maxPID bounds the pids and counts in status to what an int32 holds.
const maxPID = 1<<31 - 1

// The fields parseStatus insists on; the NS* lists are optional.
const (
	seenName = 1 << iota
	seenTgid
	seenPPid
	seenUID
	seenThreads
	seenRequired = seenName | seenTgid | seenPPid | seenUID | seenThreads
)

// parseStatus parses the fields of /proc/PID/status a scan needs. It walks
// the file a line at a time without copying, so the ~50 lines it ignores
// cost no allocations; a parse allocates the name and one array shared by
// NStgid and NSpid.
func parseStatus(data []byte) (procStatus, error) {
	var (
		st           procStatus
		seen         int
		tgids, pids  [maxPIDNSLevels]int
		ntgid, npid  int
		hasNS, hasNT bool
	)
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			return procStatus{}, fmt.Errorf("parse status line %d: no colon in %q", lineNo, truncateStatus(line))
		}
		key, value := line[:colon], line[colon+1:]
		var err error
		switch string(key) {
		case "Name":
			// The kernel writes one tab, then the name with only '\n' and
			// '\\' escaped: other whitespace, even trailing, is the name.
			st.Name = unescapeComm(bytes.TrimPrefix(value, []byte{'\t'}))
			seen |= seenName
		case "Tgid":
			st.Tgid, err = statusInt(value)
			seen |= seenTgid
		case "PPid":
			st.PPid, err = statusInt(value)
			seen |= seenPPid
		case "Uid":
			// real, effective, saved set, filesystem; any uint32 but -1
			var ids [4]int
			var n int
			n, err = statusInts(value, ids[:], 1<<32-2)
			if err == nil && n != len(ids) {
				err = fmt.Errorf("want 4 ids, got %d", n)
			}
			st.UID, st.EUID = ids[0], ids[1]
			seen |= seenUID
		case "Threads":
			st.Threads, err = statusInt(value)
			seen |= seenThreads
		case "NStgid":
			ntgid, err = statusInts(value, tgids[:], maxPID)
			hasNT = true
		case "NSpid":
			npid, err = statusInts(value, pids[:], maxPID)
			hasNS = true
		}
		if err != nil {
			return procStatus{}, fmt.Errorf("parse status line %d: %s: %w", lineNo, key, err)
		}
	}
	if missing := seenRequired &^ seen; missing != 0 {
		return procStatus{}, fmt.Errorf("parse status: missing %s", missingStatusFields(missing))
	}
	if hasNS || hasNT {
		both := make([]int, ntgid+npid)
		copy(both, tgids[:ntgid])
		copy(both[ntgid:], pids[:npid])
		if hasNT {
			st.NStgid = both[:ntgid:ntgid]
		}
		if hasNS {
			st.NSpid = both[ntgid:]
		}
	}
	return st, nil
}

// missingStatusFields names the required fields whose bits are set.
func missingStatusFields(bits int) string {
	names := []string{"Name", "Tgid", "PPid", "Uid", "Threads"}
	var out []byte
	for i, name := range names {
		if bits&(1<<i) != 0 {
			if len(out) > 0 {
				out = append(out, ", "...)
			}
			out = append(out, name...)
		}
	}
	return string(out)
}

// unescapeComm undoes the kernel's escaping of a task name in status,
// which turns '\n' into `\n` and '\' into `\\` so a name stays on its line.
func unescapeComm(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) {
			switch b[i+1] {
			case 'n':
				out = append(out, '\n')
				i++
				continue
			case '\\':
				out = append(out, '\\')
				i++
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}

// statusInt parses a status value holding one number, like "\t1234".
func statusInt(value []byte) (int, error) {
	field, rest := nextField(value)
	if extra, _ := nextField(rest); field == nil || extra != nil {
		return 0, fmt.Errorf("want one number in %q", truncateStatus(value))
	}
	v, ok := decUint(field, maxPID)
	if !ok {
		return 0, fmt.Errorf("invalid number %q", truncateStatus(field))
	}
	return int(v), nil
}

// statusInts parses the whitespace-separated numbers of a status value,
// each at most limit, into dst, returning how many there were.
func statusInts(value []byte, dst []int, limit uint64) (int, error) {
	n := 0
	for {
		field, rest := nextField(value)
		if field == nil {
			return n, nil
		}
		if n == len(dst) {
			return n, fmt.Errorf("more than %d numbers", len(dst))
		}
		v, ok := decUint(field, limit)
		if !ok {
			return n, fmt.Errorf("number %d: invalid %q", n+1, truncateStatus(field))
		}
		dst[n] = int(v)
		n++
		value = rest
	}
}

// nextField returns the first field of b, delimited by spaces or tabs, and
// what follows it; field is nil when b holds only blanks.
func nextField(b []byte) (field, rest []byte) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	if i == len(b) {
		return nil, nil
	}
	j := i
	for j < len(b) && b[j] != ' ' && b[j] != '\t' {
		j++
	}
	return b[i:j], b[j:]
}

// decUint parses an unsigned decimal no greater than limit, without the
// allocations of strconv on a []byte.
func decUint(b []byte, limit uint64) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if d > limit || v > (limit-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// truncateStatus shortens b for an error message.
func truncateStatus(b []byte) []byte {
	const limit = 40
	if len(b) > limit {
		return b[:limit]
	}
	return b
}
