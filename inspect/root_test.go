package inspect

import (
	"os"
	"testing"
)

// requireRoot skips a test that needs root and real namespaces when not
// root; under CI (NSDIVE_REQUIRE_ROOT=1) a skip would hide a failure, so the
// test fails instead.
func requireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("NSDIVE_REQUIRE_ROOT") != "" {
		t.Fatal("this test needs root, and NSDIVE_REQUIRE_ROOT is set: run the tests as root")
	}
	t.Skip("needs root to create namespaces; run as root to include it")
}
