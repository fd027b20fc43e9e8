package inspect

import (
	"bytes"
	"fmt"
	"strconv"
)

// procStat is what a scan takes from /proc/PID/stat.
type procStat struct {
	PID       int
	Comm      string
	State     byte
	PPID      int
	Threads   int // how many threads the process has
	StartTime uint64
}

// parseStat parses /proc/PID/stat. The command name may hold spaces and
// parentheses, so the fields after it are found from the last ')'.
func parseStat(data []byte) (procStat, error) {
	var st procStat
	open := bytes.IndexByte(data, '(')
	closing := bytes.LastIndexByte(data, ')')
	if open < 1 || closing < open {
		return st, fmt.Errorf("parse stat: no command name in %q", truncate(data, 64))
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(data[:open])))
	if err != nil {
		return st, fmt.Errorf("parse stat: pid: %w", err)
	}
	st.PID = pid
	st.Comm = string(data[open+1 : closing])
	// rest holds fields 3 (state) onwards, one space apart.
	rest := data[closing+1:]
	field := 2
	for len(rest) > 0 && field < 22 {
		rest = bytes.TrimLeft(rest, " ")
		end := bytes.IndexAny(rest, " \n")
		if end < 0 {
			end = len(rest)
		}
		value := rest[:end]
		rest = rest[end:]
		field++
		switch field {
		case 3:
			if len(value) != 1 {
				return st, fmt.Errorf("parse stat: state %q", value)
			}
			st.State = value[0]
		case 4:
			if st.PPID, err = atoi(value); err != nil {
				return st, fmt.Errorf("parse stat: ppid: %w", err)
			}
		case 20:
			if st.Threads, err = atoi(value); err != nil {
				return st, fmt.Errorf("parse stat: num_threads: %w", err)
			}
		case 22:
			if st.StartTime, err = strconv.ParseUint(string(value), 10, 64); err != nil {
				return st, fmt.Errorf("parse stat: starttime: %w", err)
			}
		}
	}
	if field < 22 {
		return st, fmt.Errorf("parse stat: only %d fields", field)
	}
	return st, nil
}

// atoi parses a decimal int without allocating.
func atoi(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, strconv.ErrSyntax
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
		if len(b) == 0 {
			return 0, strconv.ErrSyntax
		}
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q: %w", b, strconv.ErrSyntax)
		}
		if n > (1<<62)/10 {
			return 0, strconv.ErrRange
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, nil
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
