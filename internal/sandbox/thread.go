package sandbox

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// OnThrowawayThread runs fn on an OS thread that ends with it: locked and
// never unlocked, and never the main thread, which the runtime keeps. So
// a namespace fn unshares or joins is left by this process when fn
// returns, except for what fn opens in it: the way to leave a namespace
// held by a descriptor or a socket only (the tests' fixtures, the lab's
// keeper).
//
// Equivalent to: a program that calls unshare(2) on one thread, opens
// what it keeps, then ends that thread.
func OnThrowawayThread(fn func() error) error {
	done := make(chan error, 1)
	var inThread func()
	inThread = func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			// The runtime never ends the main thread: keep it locked
			// here, untouched, while another thread does the work.
			go inThread()
			return
		}
		done <- fn()
	}
	go inThread()
	return <-done
}
