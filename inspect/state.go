package inspect

import "fmt"

// ReadState reads a process's state from /proc/PID/stat now ('R', 'S',
// 'Z' for a zombie, ...), for a caller that must say why a process could
// not be read. An error that matches fs.ErrNotExist says it has exited.
func (s *Snapshot) ReadState(pid int) (byte, error) {
	st, err := readParsed(fmt.Sprintf("%s/%d/stat", s.ProcRoot, pid), parseStat)
	if err != nil {
		return 0, err
	}
	return st.State, nil
}
