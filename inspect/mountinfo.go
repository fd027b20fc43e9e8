package inspect

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Mount is one line of /proc/PID/mountinfo.
type Mount struct {
	ID       int
	ParentID int
	Major    uint32
	Minor    uint32
	// Root is the path inside the filesystem that is mounted; for an
	// nsfs mount it names the namespace ("net:[4026532289]").
	Root       string
	MountPoint string
	Options    string
	Propagation
	FSType       string
	Source       string
	SuperOptions string
}

// Propagation is a mount's place in the kernel's mount propagation: the
// optional fields of mountinfo.
type Propagation struct {
	Shared        int // peer group id of shared:N; 0 when not shared
	Master        int // peer group id of master:N; 0 when not a slave
	PropagateFrom int // propagate_from:N; 0 when absent
	Unbindable    bool
}

// MountRef names one mount in one mount namespace.
type MountRef struct {
	MountNS NamespaceID
	MountID int
}

// String returns the propagation as findmnt's PROPAGATION column words it:
// "shared" or "private", then ",slave" for a mount with a master and
// ",unbindable" ("private,slave", "shared,slave", "private,unbindable").
func (p Propagation) String() string {
	// Without a slave or unbindable mark the answer is a constant, which
	// keeps the common case free of allocations.
	s := "private"
	if p.Shared != 0 {
		s = "shared"
	}
	if p.Master != 0 {
		s += ",slave"
	}
	if p.Unbindable {
		s += ",unbindable"
	}
	return s
}

// String formats the mount as a mountinfo line (without the newline, and
// without optional fields the parser did not know). Mount needs its own
// String because it embeds Propagation, whose String would otherwise make
// fmt print a whole mount as "shared".
func (m Mount) String() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(m.ID))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(m.ParentID))
	b.WriteByte(' ')
	b.WriteString(strconv.FormatUint(uint64(m.Major), 10))
	b.WriteByte(':')
	b.WriteString(strconv.FormatUint(uint64(m.Minor), 10))
	b.WriteByte(' ')
	writeEscaped(&b, m.Root)
	b.WriteByte(' ')
	writeEscaped(&b, m.MountPoint)
	b.WriteByte(' ')
	b.WriteString(m.Options)
	if m.Shared != 0 {
		b.WriteString(" shared:" + strconv.Itoa(m.Shared))
	}
	if m.Master != 0 {
		b.WriteString(" master:" + strconv.Itoa(m.Master))
	}
	if m.PropagateFrom != 0 {
		b.WriteString(" propagate_from:" + strconv.Itoa(m.PropagateFrom))
	}
	if m.Unbindable {
		b.WriteString(" unbindable")
	}
	b.WriteString(" - ")
	writeEscaped(&b, m.FSType)
	b.WriteByte(' ')
	writeEscaped(&b, m.Source)
	b.WriteByte(' ')
	b.WriteString(m.SuperOptions)
	return b.String()
}

// parseMountinfo parses the contents of a mountinfo file. Empty lines are
// skipped; the first malformed line fails the whole table, since a mount
// table with holes would mislead the propagation links built on it.
//
// The strings of the returned mounts share one copy of data, so parsing
// costs two allocations plus one per escaped field.
func parseMountinfo(data []byte) ([]Mount, error) {
	mounts := make([]Mount, 0, bytes.Count(data, []byte{'\n'})+1)
	rest := string(data)
	for lineNo := 1; rest != ""; lineNo++ {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if line == "" {
			continue
		}
		m, err := parseMountinfoLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineNo, err)
		}
		mounts = append(mounts, m)
	}
	return mounts, nil
}

// parseNSFSMounts parses only the nsfs mounts of a mountinfo file: those
// are the namespaces bind mounts hold, and a host's table may have
// thousands of other lines. It fails only on a malformed nsfs line.
func parseNSFSMounts(data []byte) ([]Mount, error) {
	var mounts []Mount
	for lineNo := 1; len(data) > 0; lineNo++ {
		line, rest, _ := bytes.Cut(data, []byte{'\n'})
		data = rest
		if !bytes.Contains(line, []byte(" - nsfs ")) {
			continue
		}
		m, err := parseMountinfoLine(string(line))
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineNo, err)
		}
		if m.FSType == "nsfs" {
			mounts = append(mounts, m)
		}
	}
	return mounts, nil
}

// parseMountinfoLine parses one line of mountinfo, as proc_pid_mountinfo(5)
// describes it:
//
//	36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//
// Fields are split on single spaces, not runs of them: the kernel escapes
// spaces inside fields, and an empty source ("tmpfs  rw") is a real field.
// Unknown optional fields are ignored, for kernels newer than this code.
func parseMountinfoLine(line string) (Mount, error) {
	var m Mount
	var fields [6]string
	rest := line
	for i := range fields {
		var ok bool
		fields[i], rest, ok = strings.Cut(rest, " ")
		if !ok {
			return Mount{}, fmt.Errorf("too few fields in %q", line)
		}
	}
	var err error
	if m.ID, err = parseID("mount ID", fields[0]); err != nil {
		return Mount{}, err
	}
	if m.ParentID, err = parseID("parent ID", fields[1]); err != nil {
		return Mount{}, err
	}
	if m.Major, m.Minor, err = parseDevice(fields[2]); err != nil {
		return Mount{}, err
	}
	m.Root = unescapeMountinfo(fields[3])
	m.MountPoint = unescapeMountinfo(fields[4])
	m.Options = fields[5]

	for {
		var field string
		var ok bool
		field, rest, ok = strings.Cut(rest, " ")
		if field == "-" && ok {
			break
		}
		if !ok {
			if field == "-" {
				return Mount{}, fmt.Errorf(`too few fields after "-" in %q`, line)
			}
			return Mount{}, fmt.Errorf(`no "-" after the optional fields in %q`, line)
		}
		if err := m.Propagation.parseField(field); err != nil {
			return Mount{}, err
		}
	}

	fstype, rest, ok := strings.Cut(rest, " ")
	if !ok {
		return Mount{}, fmt.Errorf(`too few fields after "-" in %q`, line)
	}
	source, superOptions, ok := strings.Cut(rest, " ")
	if !ok {
		return Mount{}, fmt.Errorf(`too few fields after "-" in %q`, line)
	}
	m.FSType = unescapeMountinfo(fstype)
	m.Source = unescapeMountinfo(source)
	// The super options are the rest of the line: a filesystem that forgets
	// to escape a space in its options must not break the parse.
	m.SuperOptions = superOptions
	return m, nil
}

// parseField records one optional field of mountinfo.
func (p *Propagation) parseField(field string) error {
	if field == "unbindable" {
		p.Unbindable = true
		return nil
	}
	tag, value, ok := strings.Cut(field, ":")
	if !ok {
		return nil
	}
	var dst *int
	switch tag {
	case "shared":
		dst = &p.Shared
	case "master":
		dst = &p.Master
	case "propagate_from":
		dst = &p.PropagateFrom
	default:
		return nil
	}
	id, err := parseID("peer group ID", value)
	if err != nil {
		return fmt.Errorf("optional field %q: %w", field, err)
	}
	// The kernel numbers peer groups from 1; 0 means "none" in Propagation.
	if id == 0 {
		return fmt.Errorf("optional field %q: peer group ID 0", field)
	}
	*dst = id
	return nil
}

// parseID parses a non-negative decimal id that fits an int on any
// platform; what names the field in the error.
func parseID(what, s string) (int, error) {
	n, err := strconv.ParseUint(s, 10, 31)
	if err != nil {
		return 0, fmt.Errorf("invalid %s %q", what, s)
	}
	return int(n), nil
}

// parseDevice parses the "major:minor" field.
func parseDevice(s string) (major, minor uint32, err error) {
	majStr, minStr, ok := strings.Cut(s, ":")
	if ok {
		var ma, mi uint64
		ma, err = strconv.ParseUint(majStr, 10, 32)
		if err == nil {
			mi, err = strconv.ParseUint(minStr, 10, 32)
		}
		if err == nil {
			return uint32(ma), uint32(mi), nil
		}
	}
	return 0, 0, fmt.Errorf("invalid major:minor %q", s)
}

// unescapeMountinfo undoes the kernel's octal escapes (\040 space, \011 tab,
// \012 newline, \134 backslash). A backslash not followed by an octal byte
// value is kept, so that no input is lost. Fields without a backslash, all
// but a few, are returned without copying.
func unescapeMountinfo(s string) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for ; i >= 0; i = strings.IndexByte(s, '\\') {
		b = append(b, s[:i]...)
		s = s[i:]
		if len(s) >= 4 && isOctal(s[1], '3') && isOctal(s[2], '7') && isOctal(s[3], '7') {
			b = append(b, (s[1]-'0')<<6|(s[2]-'0')<<3|(s[3]-'0'))
			s = s[4:]
		} else {
			b = append(b, '\\')
			s = s[1:]
		}
	}
	return string(append(b, s...))
}

// isOctal reports whether c is an octal digit no greater than highest.
func isOctal(c, highest byte) bool { return c >= '0' && c <= highest }

// writeEscaped writes s escaped the way the kernel escapes mountinfo fields.
func writeEscaped(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\\':
			b.WriteByte('\\')
			b.WriteByte('0' + c>>6)
			b.WriteByte('0' + c>>3&7)
			b.WriteByte('0' + c&7)
		default:
			b.WriteByte(c)
		}
	}
}
