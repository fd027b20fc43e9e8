package demo

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// TestUpFailingAtEachStageLeavesNothing makes Up fail at each of its
// stages in turn, then be cancelled there (as SIGINT cancels nsdive demo
// up), and checks that nothing of the lab is left either way.
func TestUpFailingAtEachStageLeavesNothing(t *testing.T) {
	labTest(t)
	injected := errors.New("injected failure")
	for stage := 1; ; stage++ {
		injectFailure = func(at int) error {
			if at == stage {
				return injected
			}
			return nil
		}
		err := Up(context.Background(), Options{})
		if err == nil {
			if stage < 5 {
				t.Fatalf("Up succeeded with a failure injected at stage %d", stage)
			}
			break
		}
		if !errors.Is(err, injected) {
			t.Fatalf("stage %d: %v, want the injected failure", stage, err)
		}
		if left := Leftovers(); len(left) > 0 {
			t.Fatalf("after a failure at stage %d, left behind: %v", stage, left)
		}
		ctx, cancel := context.WithCancel(context.Background())
		injectFailure = func(at int) error {
			if at == stage {
				cancel()
			}
			return nil
		}
		err = Up(ctx, Options{})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled at stage %d: %v, want context.Canceled", stage, err)
		}
		if left := Leftovers(); len(left) > 0 {
			t.Fatalf("after a cancel at stage %d, left behind: %v", stage, left)
		}
	}
	injectFailure = nil
}

// TestDownAfterKillingByHand kills a container and the keeper with
// SIGKILL: Status says the lab is incomplete, Up builds it again, and
// Down still removes everything.
func TestDownAfterKillingByHand(t *testing.T) {
	labTest(t)
	s := up(t)
	namespaces := serials(t, labNamespaces(t, s))
	for _, name := range []string{"lab-db", Keeper} {
		if err := syscall.Kill(pidOf(t, s, name), syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	}
	nstest.Poll(func() bool { return !alive(s.Procs[0]) && !alive(s.Procs[2]) })
	var status strings.Builder
	if err := Status(&status); !errors.Is(err, ErrIncomplete) || !strings.Contains(status.String(), "lab-db") {
		t.Errorf("Status after a kill: %v, want ErrIncomplete\n%s", err, status.String())
	}
	rebuilt := up(t)
	if rebuilt.Procs[0] == s.Procs[0] {
		t.Errorf("Up of an incomplete lab kept %v", s.Procs)
	}
	if err := Down(Options{}); err != nil {
		t.Fatal(err)
	}
	checkGone(t, namespaces)
}

// TestRefusesAForeignLab makes /run/netns/lab-empty by hand: Up refuses
// to build over it and makes nothing.
func TestRefusesAForeignLab(t *testing.T) {
	labTest(t)
	nstest.Run(t, "ip", "netns", "add", EmptyNetns)
	t.Cleanup(func() { nstest.Run(t, "ip", "netns", "del", EmptyNetns) })
	err := Up(context.Background(), Options{})
	if err == nil || !strings.Contains(err.Error(), "/run/netns/lab-empty exists") {
		t.Errorf("Up over a foreign lab-empty: %v, want a refusal", err)
	}
	if _, err := os.Lstat(StateFile); err == nil {
		t.Error("Up made a state file")
	}
}
