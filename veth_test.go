package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

func TestVethCommand(t *testing.T) {
	nstest.RequireRoot(t)
	blue, red := nstest.Name+"-vblue", nstest.Name+"-vred"
	nstest.AddNetns(t, blue)
	nstest.AddNetns(t, red)
	stdout, stderr, code := runNsdive(t, "veth", blue+":10.77.3.1/24", red+":10.77.3.2/24", "--names", "vb,vr")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "# ip -n " + blue + " link add vb type veth peer name vr netns " + red + "\n"; !strings.HasPrefix(string(stderr), want) {
		t.Errorf("stderr %q, want it to start with %q", stderr, want)
	}
	if want := "veth pair:\n  vb in netns " + blue + " 10.77.3.1/24\n  vr in netns " + red + " 10.77.3.2/24\n"; string(stdout) != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	out, err := exec.Command("ip", "-n", red, "-br", "addr", "show", "vr").Output()
	if err != nil || !strings.Contains(string(out), "10.77.3.2/24") || !strings.Contains(string(out), "UP") {
		t.Errorf("ip -n %s addr show vr: %q, %v", red, out, err)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"veth", blue, red, "--names", "vb,x"}, "nsdive veth: vb is taken in netns " + blue + ": choose another name with --names\n"},
		{[]string{"veth", blue, red, "--names", "a-name-far-too-long,x"}, `nsdive veth: interface name "a-name-far-too-long" has 19 bytes: the kernel takes at most 15` + "\n"},
		{[]string{"veth", blue + ":10.0.0.1", red}, `nsdive veth: bad address "10.0.0.1": give an address with its prefix length, like 10.0.0.1/24` + "\n"},
		{[]string{"veth", "/etc/hostname", red}, "nsdive veth: /etc/hostname is not a namespace file: give host, a pid, a name under /run/netns or a net namespace file\n"},
	} {
		_, stderr, code := runNsdive(t, tc.args...)
		if code != 1 || string(stderr) != tc.want {
			t.Errorf("nsdive %s: exit %d, stderr %q; want 1 and %q", strings.Join(tc.args, " "), code, stderr, tc.want)
		}
	}

	stdout, stderr, code = runNsdive(t, "veth", "--delete", "vr", "--ns", red)
	if code != 0 || string(stdout) != "deleted vr in netns "+red+" and its peer\n" {
		t.Errorf("--delete: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	out, err = exec.Command("ip", "-n", blue, "-o", "link").Output()
	if err != nil || strings.Contains(string(out), "vb") {
		t.Errorf("ip -n %s link after --delete: %q, %v; want no vb", blue, out, err)
	}
}
