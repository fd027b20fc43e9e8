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

// ReadKey reads a process's identity and state from procRoot/PID/stat now
// ("/proc" when procRoot is empty), for a caller that will act on the
// process and must notice if its pid is reused meanwhile. An error that
// matches fs.ErrNotExist says there is no process with that pid.
func ReadKey(procRoot string, pid int) (ProcessKey, byte, error) {
	if procRoot == "" {
		procRoot = "/proc"
	}
	st, err := readParsed(fmt.Sprintf("%s/%d/stat", procRoot, pid), parseStat)
	if err != nil {
		return ProcessKey{}, 0, err
	}
	return ProcessKey{PID: pid, StartTime: st.StartTime}, st.State, nil
}
