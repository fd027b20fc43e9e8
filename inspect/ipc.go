package inspect

import (
	"bytes"
	"fmt"
	"os"
)

// The System V IPC tables. procfs fills them from the ipc namespace of the
// task that opens them, not from the procfs mount, so any procfs instance
// does and the files need no proc root.
const (
	sysvipcShm = "/proc/sysvipc/shm"
	sysvipcSem = "/proc/sysvipc/sem"
	sysvipcMsg = "/proc/sysvipc/msg"
)

// readIPC counts the shared memory segments, semaphore sets and message
// queues of the ipc namespace at nsPath, reading /proc/sysvipc on a thread
// that has joined it.
//
// Equivalent to: nsenter --ipc=NSPATH ipcs
func readIPC(join joinFunc, nsPath string) (*IPCInfo, error) {
	var info IPCInfo
	err := join(nsPath, func() error {
		for _, table := range []struct {
			path  string
			count *int
		}{
			{sysvipcShm, &info.SharedMemory},
			{sysvipcSem, &info.Semaphores},
			{sysvipcMsg, &info.MessageQueue},
		} {
			// Opened here, on the thread inside: the file is bound to
			// the opener's ipc namespace.
			data, err := os.ReadFile(table.path)
			if err != nil {
				return fmt.Errorf("read %s in %s: %w", table.path, nsPath, err)
			}
			*table.count = countSysvipc(data)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &info, nil
}

// countSysvipc counts the objects in a /proc/sysvipc table: the non-blank
// lines after the header.
func countSysvipc(data []byte) int {
	_, rows, found := bytes.Cut(data, []byte{'\n'})
	if !found {
		return 0
	}
	count := 0
	for line := range bytes.Lines(rows) {
		if len(bytes.TrimSpace(line)) > 0 {
			count++
		}
	}
	return count
}
