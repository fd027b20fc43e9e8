package inspect

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

func TestIPCCountSysvipc(t *testing.T) {
	tests := []struct {
		file string
		want int
	}{
		{"shm-empty", 0},
		{"shm-full", 3},
		{"sem-empty", 0},
		{"sem-full", 1},
		{"msg-empty", 0},
		{"msg-full", 2},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "sysvipc", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := countSysvipc(data); got != tt.want {
				t.Errorf("countSysvipc = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestIPCCountSysvipcEdges(t *testing.T) {
	tests := []struct {
		name string
		data string
		want int
	}{
		{"nothing", "", 0},
		{"header without newline", "  key shmid perms", 0},
		{"row without newline", "  key shmid\n  1 0", 1},
		{"blank lines", "  key shmid\n\n  1 0\n   \n  2 1\n\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := countSysvipc([]byte(tt.data)); got != tt.want {
				t.Errorf("countSysvipc(%q) = %d, want %d", tt.data, got, tt.want)
			}
		})
	}
}

func FuzzIPCCountSysvipc(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "sysvipc", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if n := countSysvipc(data); n < 0 || n > bytes.Count(data, []byte{'\n'}) {
			t.Errorf("countSysvipc = %d for %d lines", n, bytes.Count(data, []byte{'\n'}))
		}
	})
}

// TestIPCReadIPC also shows that /proc/sysvipc answers for the ipc namespace
// of the thread that opens it, not its thread group's: two namespaces with
// different objects, neither the test's, each read as its own. (The host's
// own objects come and go with other programs, so they are not compared.)
func TestIPCReadIPC(t *testing.T) {
	nstest.RequireRoot(t)
	tests := []struct {
		setup string
		want  IPCInfo
	}{
		{"ipcmk -M 4096 >/dev/null && ipcmk -S 1 >/dev/null && ipcmk -S 2 >/dev/null && " +
			"ipcmk -Q >/dev/null && ipcmk -Q >/dev/null && ipcmk -Q >/dev/null",
			IPCInfo{SharedMemory: 1, Semaphores: 2, MessageQueue: 3}},
		{"ipcmk -M 4096 >/dev/null && ipcmk -M 4096 >/dev/null && ipcmk -Q >/dev/null",
			IPCInfo{SharedMemory: 2, MessageQueue: 1}},
	}
	pids := make([]int, len(tests))
	for i, tt := range tests {
		pids[i] = spawnSleeper(t, []string{"unshare", "--ipc"}, tt.setup)
	}
	for i, tt := range tests {
		got, err := readIPC(joinOnce(IPC), fmt.Sprintf("/proc/%d/ns/ipc", pids[i]))
		if err != nil {
			t.Fatal(err)
		}
		if *got != tt.want {
			t.Errorf("readIPC of the namespace where %s: %+v, want %+v", tt.setup, *got, tt.want)
		}
	}
}
