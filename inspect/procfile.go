package inspect

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// readParsed reads a /proc file and parses it, naming the path in either
// error. os.ReadFile reads to EOF, so the size procfs reports (0) is not
// trusted.
func readParsed[T any](path string, parse func([]byte) (T, error)) (T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("read %s: %w", path, err)
	}
	v, err := parse(data)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// readFileAt reads a /proc file relative to dirfd to its end into *buf,
// growing *buf when it is too small; the result aliases *buf.
func readFileAt(dirfd int, name string, buf *[]byte) ([]byte, error) {
	return readAt(dirfd, name, buf, false)
}

// readRecordAt reads a /proc file that the kernel prints as one record,
// such as stat, status or cgroup, into *buf. Such a file comes whole from
// the first read that has room for it, so a read that leaves room is the
// last: one read instead of two for most files.
func readRecordAt(dirfd int, name string, buf *[]byte) ([]byte, error) {
	return readAt(dirfd, name, buf, true)
}

func readAt(dirfd int, name string, buf *[]byte, record bool) ([]byte, error) {
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	n := 0
	for {
		if n == len(*buf) {
			*buf = append(*buf, make([]byte, max(len(*buf), 4096))...)
		}
		m, err := unix.Read(fd, (*buf)[n:])
		if err != nil {
			return nil, err
		}
		n += m
		if m == 0 || record && n < len(*buf) {
			return (*buf)[:n], nil
		}
	}
}

// readCmdlineAt reads a NUL-separated argument vector.
func readCmdlineAt(dirfd int, name string, buf *[]byte) ([]string, error) {
	data, err := readFileAt(dirfd, name, buf)
	if err != nil {
		return nil, err
	}
	args := []string{}
	for len(data) > 0 {
		end := 0
		for end < len(data) && data[end] != 0 {
			end++
		}
		args = append(args, string(data[:end]))
		if end == len(data) {
			break
		}
		data = data[end+1:]
	}
	return args, nil
}

// readDirNamesAt lists a directory relative to dirfd.
func readDirNamesAt(dirfd int, name string) ([]string, error) {
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	return f.Readdirnames(-1)
}
