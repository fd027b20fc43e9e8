package nstest

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// LabLock is the lock that the tests that build `nsdive demo`'s lab hold
// while they run: the lab has fixed names, and test binaries of several
// packages run at once.
const LabLock = "/run/nsdive-lab-tests.lock"

// Serialize takes an exclusive flock on path, waiting for other tests
// that hold it, and releases it when the test ends.
func Serialize(t testing.TB, path string) {
	t.Helper()
	unlock, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unlock)
}

// Lock takes an exclusive flock on path, waiting for whoever holds it,
// and returns its release: for a TestMain that checks what the tests of
// every binary might be building at that moment.
func Lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// UDPEchoEnv asks a test binary, through RunUDPEchoIfAsked, to be a UDP
// echo: "serve ADDR" answers one datagram at ADDR with its contents;
// "send ADDR TEXT" sends TEXT to ADDR until an answer comes and prints it.
const UDPEchoEnv = "NSDIVE_TEST_UDP_ECHO"

// RunUDPEchoIfAsked runs the UDP echo that UDPEchoEnv asks for and exits,
// or returns at once when it is not set. TestMain calls it first, so that
// a test can run its own binary as the echo inside namespaces (with
// nsdive enter).
func RunUDPEchoIfAsked() {
	req := os.Getenv(UDPEchoEnv)
	if req == "" {
		return
	}
	if err := udpEcho(strings.Fields(req)); err != nil {
		fmt.Fprintln(os.Stderr, "udp echo:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func udpEcho(args []string) error {
	switch {
	case len(args) == 2 && args[0] == "serve":
		conn, err := net.ListenPacket("udp", args[1])
		if err != nil {
			return err
		}
		defer conn.Close()
		fmt.Println("listening")
		_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
		buf := make([]byte, 1500)
		n, from, err := conn.ReadFrom(buf)
		if err != nil {
			return err
		}
		_, err = conn.WriteTo(buf[:n], from)
		return err
	case len(args) == 3 && args[0] == "send":
		conn, err := net.Dial("udp", args[1])
		if err != nil {
			return err
		}
		defer conn.Close()
		buf := make([]byte, 1500)
		for range 40 {
			if _, err := conn.Write([]byte(args[2])); err != nil {
				time.Sleep(250 * time.Millisecond) // refused: not listening yet
				continue
			}
			_ = conn.SetReadDeadline(time.Now().Add(250 * time.Millisecond))
			if n, err := conn.Read(buf); err == nil {
				fmt.Println(string(buf[:n]))
				return nil
			}
		}
		return fmt.Errorf("no answer from %s", args[1])
	}
	return fmt.Errorf("bad request %q", args)
}
