package inspect

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// direntNameOffset is where the name starts in a struct linux_dirent64:
// d_ino (8 bytes), d_off (8), d_reclen (2), d_type (1).
const direntNameOffset = 19

// errBadDirent says a getdents64 buffer does not hold whole records.
var errBadDirent = errors.New("malformed getdents64 record")

// nextDirent splits the first record off buf, as getdents64 fills it, and
// returns its name with the terminating NUL kept (readlinkat takes it as
// it is) and the records after it.
func nextDirent(buf []byte) (name, rest []byte, err error) {
	if len(buf) < direntNameOffset+1 {
		return nil, nil, errBadDirent
	}
	reclen := int(binary.NativeEndian.Uint16(buf[16:18]))
	if reclen <= direntNameOffset || reclen > len(buf) {
		return nil, nil, errBadDirent
	}
	end := bytes.IndexByte(buf[direntNameOffset:reclen], 0)
	if end < 0 {
		return nil, nil, errBadDirent
	}
	return buf[direntNameOffset : direntNameOffset+end+1], buf[reclen:], nil
}

// parseFDName returns the descriptor number a /proc/PID/fd entry names,
// its NUL included; ok is false for "." and "..".
func parseFDName(name []byte) (fd int, ok bool) {
	name = bytes.TrimSuffix(name, []byte{0})
	if len(name) == 0 || len(name) > 10 {
		return 0, false
	}
	for _, c := range name {
		if c < '0' || c > '9' {
			return 0, false
		}
		fd = fd*10 + int(c-'0')
	}
	return fd, true
}
