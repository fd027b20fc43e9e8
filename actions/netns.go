package actions

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nsdive/nsdive/internal/inside"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// NetNS is a network namespace as a veth end names it: "host" (nsdive's
// own), a pid, a name under /run/netns, or a namespace file. It is
// checked once when parsed and again whenever it is opened: a name
// remade or a pid reused since leads to another namespace and fails.
type NetNS struct {
	// Ref is the namespace as given.
	Ref string
	// Path is the nsfs file it is opened through.
	Path string
	// Ino is the namespace's inode.
	Ino uint64

	target *Target // for a pid
	host   bool
}

// hostRef names nsdive's own network namespace.
const hostRef = "host"

// ParseNetNS resolves ref: "host", a pid, a name under /run/netns or a
// path (one with a '/') to a network namespace file.
func ParseNetNS(ref string) (NetNS, error) {
	n := NetNS{Ref: ref}
	switch {
	case ref == "":
		return n, errors.New("empty namespace: give host, a pid, a name under /run/netns or a namespace file")
	case ref == hostRef:
		n.Path, n.host = "/proc/self/ns/net", true
	case strings.Trim(ref, "0123456789") == "":
		pid, err := strconv.Atoi(ref)
		if err != nil {
			return n, fmt.Errorf("pid %s: %w", ref, err)
		}
		t, err := TargetPID(pid)
		if err != nil {
			return n, err
		}
		n.target, n.Path = &t, fmt.Sprintf("/proc/%d/ns/net", pid)
	case strings.Contains(ref, "/"):
		n.Path = ref
	default:
		path, err := NetnsPath(ref)
		if err != nil {
			return n, err
		}
		n.Path = path
	}
	fd, err := n.open()
	if err != nil {
		return n, err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return n, fmt.Errorf("stat %s: %w", n.Path, err)
	}
	n.Ino = st.Ino
	typ, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	if err != nil {
		return n, fmt.Errorf("%s: NS_GET_NSTYPE: %w", n.Path, err)
	}
	if typ != unix.CLONE_NEWNET {
		return n, fmt.Errorf("%s is not a network namespace: give a net namespace file", n.Path)
	}
	return n, nil
}

// String names the namespace for messages: "host", "pid 1234",
// "netns blue" or the path.
func (n NetNS) String() string {
	switch {
	case n.host:
		return hostRef
	case n.target != nil:
		return n.target.String()
	case !strings.Contains(n.Ref, "/"):
		return "netns " + n.Ref
	}
	return n.Path
}

// ip is how a shell command runs ip in the namespace.
func (n NetNS) ip() string {
	switch {
	case n.host:
		return "ip"
	case n.target != nil:
		return fmt.Sprintf("nsenter -t %d -n ip", n.target.PID)
	case !strings.Contains(n.Ref, "/"):
		return "ip -n " + n.Ref
	}
	return "nsenter --net=" + n.Path + " ip"
}

// netnsArg is how ip link's netns argument names the namespace: a name
// under /run/netns, a pid or a path.
func (n NetNS) netnsArg() string {
	switch {
	case n.target != nil:
		return strconv.Itoa(n.target.PID)
	case n.host || strings.Contains(n.Ref, "/"):
		return n.Path
	}
	return n.Ref
}

// label is a short word for the namespace in an interface name.
func (n NetNS) label() string {
	switch {
	case n.target != nil:
		return strconv.Itoa(n.target.PID)
	case n.host:
		return hostRef
	}
	return filepath.Base(n.Ref)
}

// open opens the namespace's nsfs file, checking that it is still the
// namespace parsed; the caller closes the descriptor.
func (n NetNS) open() (int, error) {
	if n.target != nil {
		if err := n.target.Check(); err != nil {
			return -1, err
		}
	}
	fd, err := inside.Way{Path: n.Path, Ino: n.Ino}.Open()
	switch {
	case err == nil:
		return fd, nil
	case errors.Is(err, fs.ErrNotExist) && !n.host && n.target == nil && !strings.Contains(n.Ref, "/"):
		return -1, fmt.Errorf("no network namespace named %s: see ip netns list", n.Ref)
	case errors.Is(err, fs.ErrNotExist):
		return -1, fmt.Errorf("%s does not exist", n.Path)
	case errors.Is(err, inside.ErrNotNamespace):
		return -1, fmt.Errorf("%s is not a namespace file: give host, a pid, a name under /run/netns or a net namespace file", n.Path)
	case errors.Is(err, inside.ErrOtherNamespace):
		return -1, fmt.Errorf("%s is another namespace now: run again", n)
	}
	return -1, needRoot(err)
}

// handle opens a netlink handle in the namespace; the caller closes it.
func (n NetNS) handle() (*netlink.Handle, error) {
	fd, err := n.open()
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	h, err := inside.NetHandle(fmt.Sprintf("/proc/self/fd/%d", fd))
	if err != nil {
		return nil, needRoot(fmt.Errorf("%s: %w", n, err))
	}
	return h, nil
}

// withHandle runs fn with a netlink handle in the namespace.
func (n NetNS) withHandle(fn func(h *netlink.Handle) error) error {
	h, err := n.handle()
	if err != nil {
		return err
	}
	defer h.Close()
	return fn(h)
}

// sameAs reports whether two references lead to one namespace.
func (n NetNS) sameAs(o NetNS) bool { return n.Ino == o.Ino }
