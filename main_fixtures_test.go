package main

import (
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// The namespaces the tests of nsdive's commands look for, built by
// nstest; each is removed on cleanup, with every process it needed.

// nested is nstest.Nested with its namespaces as the inode numbers lsns
// and nsdive print.
type nested struct {
	*nstest.Nested
	ns map[string]uint64
}

func startNested(t *testing.T) *nested {
	t.Helper()
	n := &nested{Nested: nstest.StartNested(t), ns: make(map[string]uint64)}
	for typ, id := range n.NS {
		n.ns[typ] = id.Ino
	}
	return n
}

// fixtures are the namespaces the list tests look for.
type fixtures struct {
	nested   *nested
	mounted  uint64 // net namespace bound at /run/netns/nstest.Name
	fdHeld   uint64 // net namespace held by descriptor 3 of fdHolder
	fdHolder int
	// sockHeld is a net namespace that only socket sock of the test
	// process holds.
	sockHeld uint64
	sock     int
}

func startFixtures(t *testing.T) *fixtures {
	t.Helper()
	f := &fixtures{nested: startNested(t), mounted: nstest.AddNetns(t, nstest.Name).Ino}
	held, holder := nstest.StartFDHeld(t)
	f.fdHeld, f.fdHolder = held.Ino, holder
	sockHeld, sock := nstest.SocketHeldNetns(t)
	f.sockHeld, f.sock = sockHeld.Ino, sock
	return f
}
