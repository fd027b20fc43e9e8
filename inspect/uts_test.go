package inspect

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

func TestUTSReadUTS(t *testing.T) {
	nstest.RequireRoot(t)
	hostname := fmt.Sprintf("nsdive-test-%d", os.Getpid())
	pid := spawnSleeper(t, []string{"unshare", "--uts"}, "hostname "+hostname+" && domainname nsdive.test")

	var host unix.Utsname
	if err := unix.Uname(&host); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		want UTSInfo
	}{
		{"new namespace", fmt.Sprintf("/proc/%d/ns/uts", pid), UTSInfo{hostname, "nsdive.test"}},
		{"own namespace", "/proc/self/ns/uts", UTSInfo{
			unix.ByteSliceToString(host.Nodename[:]),
			unix.ByteSliceToString(host.Domainname[:]),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readUTS(joinOnce(UTS), tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if *got != tt.want {
				t.Errorf("readUTS(%s) = %+v, want %+v", tt.path, *got, tt.want)
			}
		})
	}
}

func TestUTSReadUTSErrors(t *testing.T) {
	nstest.RequireRoot(t)
	tests := []struct {
		name string
		path string
		want error
	}{
		{"gone", "/proc/self/ns/nonexistent", fs.ErrNotExist},
		{"not uts", "/proc/self/ns/ipc", unix.EINVAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := readUTS(joinOnce(UTS), tt.path); !errors.Is(err, tt.want) {
				t.Errorf("readUTS(%s) err = %v, want %v", tt.path, err, tt.want)
			}
		})
	}
}
