package inside

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

// fdID returns the namespace an open nsfs descriptor is, and closes it.
func fdID(t testing.TB, fd int) nstest.ID {
	t.Helper()
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		t.Fatal(err)
	}
	return nstest.ID{Dev: st.Dev, Ino: st.Ino}
}

// socketIn creates a UDP socket in the network namespace at nsPath; the
// socket is this process's, the namespace another's. The cleanup closes it.
func socketIn(t testing.TB, nsPath string) int {
	t.Helper()
	sock := -1
	err := Run(nsPath, unix.CLONE_NEWNET, func() error {
		var err error
		sock, err = unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(sock) })
	return sock
}

func TestWayOpen(t *testing.T) {
	nstest.RequireRoot(t)
	pid := startIn(t, "--net")
	nsPath := fmt.Sprintf("/proc/%d/ns/net", pid)
	want := nstest.MustIDAt(t, nsPath)
	sock := socketIn(t, nsPath)
	notSocket, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(notSocket)

	t.Run("path", func(t *testing.T) {
		fd, err := Way{Path: nsPath}.Open()
		if err != nil {
			t.Fatal(err)
		}
		if got := fdID(t, fd); got != want {
			t.Errorf("opened %v, want %v", got, want)
		}
	})
	t.Run("socket", func(t *testing.T) {
		fd, err := Way{PID: os.Getpid(), FD: sock}.Open()
		if err != nil {
			t.Fatal(err)
		}
		if got := fdID(t, fd); got != want {
			t.Errorf("socket's namespace %v, want %v (the one it was created in)", got, want)
		}
	})
	t.Run("not a socket", func(t *testing.T) {
		if fd, err := (Way{PID: os.Getpid(), FD: notSocket}).Open(); !errors.Is(err, unix.ENOTTY) {
			t.Errorf("fd %d, err %v, want ENOTTY", fd, err)
		}
	})
	t.Run("missing path", func(t *testing.T) {
		if _, err := (Way{Path: "/nonexistent"}).Open(); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err %v, want ErrNotExist", err)
		}
	})
	t.Run("wanted namespace", func(t *testing.T) {
		fd, err := Way{Path: nsPath, Ino: want.Ino}.Open()
		if err != nil {
			t.Fatal(err)
		}
		unix.Close(fd)
		if fd, err := (Way{Path: "/proc/self/ns/net", Ino: want.Ino}).Open(); !errors.Is(err, ErrOtherNamespace) {
			t.Errorf("own namespace's link: fd %d, err %v, want ErrOtherNamespace", fd, err)
		}
		if fd, err := (Way{PID: os.Getpid(), FD: sock, Ino: want.Ino + 1}).Open(); !errors.Is(err, ErrOtherNamespace) {
			t.Errorf("socket: fd %d, err %v, want ErrOtherNamespace", fd, err)
		}
	})
	// A descriptor number reused by a FIFO since the scan: a plain
	// read-only open would block until a writer came.
	t.Run("fifo", func(t *testing.T) {
		fifo := t.TempDir() + "/fifo"
		if err := unix.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			fd, err := Way{Path: fifo}.Open()
			if err == nil {
				unix.Close(fd)
			}
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotNamespace) {
				t.Errorf("err %v, want ErrNotNamespace", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("opening a FIFO blocked")
		}
	})
	t.Run("regular file", func(t *testing.T) {
		if fd, err := (Way{Path: "/proc/self/status"}).Open(); !errors.Is(err, ErrNotNamespace) {
			t.Errorf("fd %d, err %v, want ErrNotNamespace", fd, err)
		}
	})
}

func TestOpenFirst(t *testing.T) {
	nstest.RequireRoot(t)
	nsPath := fmt.Sprintf("/proc/%d/ns/net", startIn(t, "--net"))
	want := nstest.MustIDAt(t, nsPath)
	t.Run("first that opens", func(t *testing.T) {
		var tried []string
		ways := slices.Values([]Way{{Path: "/nonexistent"}, {Path: nsPath}, {Path: "/proc/self/ns/net"}})
		fd, err := OpenFirst(func(yield func(Way) bool) {
			for w := range ways {
				tried = append(tried, w.Path)
				if !yield(w) {
					return
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := fdID(t, fd); got != want {
			t.Errorf("opened %v, want %v", got, want)
		}
		if len(tried) != 2 {
			t.Errorf("tried %v, want to stop after %s", tried, nsPath)
		}
	})
	t.Run("none", func(t *testing.T) {
		if _, err := OpenFirst(slices.Values([]Way(nil))); !errors.Is(err, ErrNoWay) {
			t.Errorf("err %v, want ErrNoWay", err)
		}
	})
	t.Run("last error", func(t *testing.T) {
		_, err := OpenFirst(slices.Values([]Way{{Path: "/proc/self/ns/nonexistent"}, {PID: os.Getpid(), FD: 0x7fff}}))
		if !errors.Is(err, unix.EBADF) {
			t.Errorf("err %v, want the last way's EBADF", err)
		}
	})
}

// TestNoLeaks runs Run (into a mount namespace too), NetHandle and both
// kinds of Way many times, concurrently, while other goroutines check
// that the thread they run on never is in a foreign namespace; afterwards
// every thread is home and no fd or goroutine is left over.
func TestNoLeaks(t *testing.T) {
	nstest.RequireRoot(t)
	pid := startIn(t, "--net", "--uts", "--mount")
	netPath, utsPath := fmt.Sprintf("/proc/%d/ns/net", pid), fmt.Sprintf("/proc/%d/ns/uts", pid)
	mntPath := fmt.Sprintf("/proc/%d/ns/mnt", pid)
	want := nstest.MustIDAt(t, netPath)
	sock := socketIn(t, netPath)

	openAndCheck := func(w Way) error {
		fd, err := w.Open()
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return err
		}
		if (nstest.ID{Dev: st.Dev, Ino: st.Ino}) != want {
			return fmt.Errorf("%s led to %d, want %d", w, st.Ino, want.Ino)
		}
		return nil
	}
	nstest.HammerWithoutLeaks(t, []nstest.Call{
		{Name: "Run", Fn: func() error { return Run(utsPath, unix.CLONE_NEWUTS, func() error { return nil }) }},
		{Name: "Run mnt", Fn: func() error { return Run(mntPath, unix.CLONE_NEWNS, func() error { return nil }) }},
		{Name: "Run error", Fn: func() error {
			if Run(netPath, unix.CLONE_NEWUTS, func() error { return nil }) == nil {
				return errors.New("joined a net namespace as uts")
			}
			return nil
		}},
		{Name: "NetHandle", Fn: func() error {
			h, err := NetHandle(netPath)
			if err != nil {
				return err
			}
			defer h.Close()
			links, err := h.LinkList()
			if err == nil && (len(links) != 1 || links[0].Attrs().Name != "lo") {
				err = fmt.Errorf("links %v, want lo alone", links)
			}
			return err
		}},
		{Name: "Way path", Fn: func() error { return openAndCheck(Way{Path: netPath}) }},
		{Name: "Way socket", Fn: func() error { return openAndCheck(Way{PID: os.Getpid(), FD: sock}) }},
	})
}
