package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// checkEnterContainers enters real containers by name (and one by short
// id) with --all and checks, from inside, that the command is in each of
// the container's namespaces and is root, and that nsdive said it ran
// the container's busybox; podman's --uidmap container has a user
// namespace, which --all joins.
func checkEnterContainers(t *testing.T, ctrs []*realContainer) {
	t.Helper()
	script := `for t in ` + strings.Join(nstest.Types, " ") + `; do busybox readlink /proc/self/ns/$t; done; busybox id -u`
	for _, c := range ctrs {
		switch {
		case strings.HasSuffix(c.name, "-web"), strings.HasSuffix(c.name, "-pu"), strings.HasSuffix(c.name, "-pa"):
		default:
			continue
		}
		args := []string{c.name, c.id[:12]}
		if strings.Trim(c.id[:12], "0123456789") == "" {
			args = args[:1] // digits alone name a pid
		}
		for _, arg := range args {
			t.Run("enter "+arg, func(t *testing.T) {
				stdout, stderr, code := runNsdive(t, "enter", "-t", arg, "--all", "--", "/bin/busybox", "sh", "-c", script)
				var want strings.Builder
				for _, typ := range nstest.Types {
					fmt.Fprintf(&want, "%s:[%d]\n", typ, nstest.IDOf(c.pid, typ).Ino)
				}
				want.WriteString("0\n")
				if code != 0 || string(stdout) != want.String() {
					t.Errorf("enter %s: status %d, stdout %q; want 0 and %q\nstderr: %s", c.label(), code, stdout, want.String(), stderr)
				}
				notes := fmt.Sprintf("# pid %d is the init of %s\n", c.pid, c.label())
				if !strings.HasPrefix(string(stderr), notes) ||
					!strings.HasSuffix(string(stderr), "\n# running /bin/busybox from the target's mount namespace\n") {
					t.Errorf("enter %s: stderr %q, want it to name the init and the binary that ran", c.label(), stderr)
				}
				joinsUser := strings.Contains(string(stderr), " -U ")
				if isPU := strings.HasSuffix(c.name, "-pu"); joinsUser != isPU {
					t.Errorf("enter %s --all: joins the user namespace: %v, want %v (only the --uidmap container has one)", c.label(), joinsUser, isPU)
				}
			})
		}
	}
}
