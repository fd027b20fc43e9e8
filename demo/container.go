package demo

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/nsdive/nsdive/actions"
	"github.com/nsdive/nsdive/internal/child"
	"github.com/nsdive/nsdive/internal/inside"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// containerFlags are the namespaces a container is cloned in; its time
// namespace it makes itself (offsets can be set only before a process is
// in it).
const containerFlags = unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWUTS |
	unix.CLONE_NEWIPC | unix.CLONE_NEWNET | unix.CLONE_NEWCGROUP

// cgroupRoot returns where the host's cgroup2 hierarchy is mounted:
// /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host; "" when it
// has none, and the containers stay in nsdive's cgroup.
func cgroupRoot() string {
	for _, dir := range []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"} {
		var st unix.Statfs_t
		if unix.Statfs(dir, &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
			return dir
		}
	}
	return ""
}

// cgroupDir returns the cgroup of the lab's container name ("" for the
// parent), or "" when the host has no cgroup2 hierarchy.
func cgroupDir(name string) string {
	root := cgroupRoot()
	if root == "" {
		return ""
	}
	return filepath.Join(root, CgroupParent, name)
}

// makeCgroups makes the nsdive-lab cgroup and one below it per container,
// where the host has cgroup2.
func (b *builder) makeCgroups() error {
	if cgroupRoot() == "" {
		return nil
	}
	dirs := []string{cgroupDir("")}
	for _, c := range Containers {
		dirs = append(dirs, cgroupDir(c.Name))
	}
	for _, dir := range dirs {
		if err := b.record(func(s *State) { s.Cgroups = append(s.Cgroups, dir) }); err != nil {
			return err
		}
		if b.opts.Log != nil {
			fmt.Fprintf(b.opts.Log, "# mkdir %s\n", dir)
		}
		if err := os.Mkdir(dir, 0o755); err != nil {
			return fmt.Errorf("make cgroup %s: %w", dir, err)
		}
	}
	return nil
}

// makeBridge makes the bridge in the lab's network namespace, with the
// lab's first address, up, and loopback up.
func (b *builder) makeBridge() error {
	ns := "ip -n " + Netns + " "
	var h *netlink.Handle
	open := func() error {
		fd, err := netns.GetFromPath(filepath.Join(actions.NetnsDir, Netns))
		if err != nil {
			return fmt.Errorf("open %s: %w", Netns, err)
		}
		defer fd.Close()
		h, err = netlink.NewHandleAt(fd)
		return err
	}
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: Bridge}}
	a := &actions.Action{Description: "the lab's bridge", Steps: []actions.Step{
		{Command: ns + "link add " + Bridge + " type bridge", Do: func() error {
			if err := open(); err != nil {
				return err
			}
			return h.LinkAdd(br)
		}},
		{Command: ns + "addr add " + BridgeAddr.String() + " dev " + Bridge, Do: func() error {
			addr, err := netlink.ParseAddr(BridgeAddr.String())
			if err != nil {
				return err
			}
			return h.AddrAdd(br, addr)
		}},
		{Command: ns + "link set " + Bridge + " up", Do: func() error { return h.LinkSetUp(br) }},
		{Command: ns + "link set lo up", Do: func() error {
			lo, err := h.LinkByName("lo")
			if err != nil {
				return err
			}
			return h.LinkSetUp(lo)
		}},
	}}
	defer func() {
		if h != nil {
			h.Close()
		}
	}()
	return b.run(a, nil)
}

// makeContainer starts a container and, with nsdive's actions, makes its
// mounts private (all but PropDir), gives it its message queue, sets its hostname, wires it to the bridge and sets
// its view of PropDir.
func (b *builder) makeContainer(c Container) error {
	cgroup := cgroupDir(c.Name)
	cgroupNote := ""
	if cgroup != "" {
		cgroupNote = "echo $$ > " + cgroup + "/cgroup.procs; "
	}
	command := fmt.Sprintf("sh -c '%sexec unshare --user --map-users=0:%d:%d --map-groups=0:%d:%d --mount --propagation slave --uts --ipc --net --cgroup --time --monotonic %d --pid --fork --mount-proc sleep infinity' &",
		cgroupNote, c.UIDBase, IDRange, c.UIDBase, IDRange, int64(c.Monotonic.Seconds()))
	target, err := b.start(c.Name, command, func() (*os.Process, error) { return startContainer(c, cgroup) })
	if err != nil {
		return err
	}
	if err := b.makePrivate(target); err != nil {
		return err
	}
	if err := b.run(makeQueue(target, c.UIDBase)); err != nil {
		return err
	}
	if err := b.run(actions.SetHostname(target, c.Name)); err != nil {
		return err
	}
	if err := b.wire(c, target); err != nil {
		return err
	}
	return b.run(actions.SetPropagation(target, PropDir, c.Propagation, false))
}

// startContainer starts a container: the re-executed nsdive of `nsdive
// unshare` (internal/child) made in the new namespaces, staying as the
// init of its pid namespace, its root mapped to c's unprivileged ids, in
// the cgroup dir ("" for none), in a session of its own. It returns once
// the init runs.
func startContainer(c Container, cgroup string) (*os.Process, error) {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, markerEnv+"=") })
	p, err := child.Command(child.Config{
		Flags:       containerFlags | unix.CLONE_NEWTIME,
		Fork:        true,
		Propagation: unix.MS_SLAVE,
		MountProc:   "/proc",
		Monotonic:   int64(c.Monotonic.Seconds()),
		InitName:    c.Name,
		Env:         append(env, markerEnv+"=1"),
	})
	if err != nil {
		return nil, err
	}
	attr := p.Cmd.SysProcAttr
	attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: c.UIDBase, Size: IDRange}}
	attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: c.UIDBase, Size: IDRange}}
	attr.GidMappingsEnableSetgroups = true
	attr.Credential = &syscall.Credential{Uid: 0, Gid: 0, Groups: []uint32{}}
	attr.AmbientCaps = nil
	attr.Setsid = true
	if cgroup != "" {
		fd, err := unix.Open(cgroup, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, p.Finish(fmt.Errorf("open cgroup %s: %w", cgroup, err))
		}
		defer unix.Close(fd)
		attr.UseCgroupFD, attr.CgroupFD = true, fd
	}
	if err := p.Cmd.Start(); err != nil {
		return nil, p.Finish(fmt.Errorf("start %s: %w", c.Name, err))
	}
	if err := p.Finish(nil); err != nil {
		_ = p.Cmd.Process.Kill()
		_ = p.Cmd.Wait()
		return nil, fmt.Errorf("start %s: %w", c.Name, err)
	}
	go p.Cmd.Wait()
	return p.Cmd.Process, nil
}

// makeQueue returns the action that makes a System V message queue in
// target's ipc namespace, owned by the container's root: host uid and
// gid owner, its root's outside. A queue made by the host's root would
// belong, seen from inside (ipcs in the container), to an id the
// container's user namespace does not map: nobody, 65534. The thread
// that joins the ipc namespace takes the owner's ids for itself alone
// (raw setresgid and setresuid: Go's own calls change every thread),
// and is thrown away afterwards.
func makeQueue(target actions.Target, owner int) (*actions.Action, error) {
	path := fmt.Sprintf("/proc/%d/ns/ipc", target.PID)
	return &actions.Action{Description: "a message queue in " + target.String(), Steps: []actions.Step{{
		Command: fmt.Sprintf("nsenter -t %d -i -S %d -G %d ipcmk -Q", target.PID, owner, owner),
		Do: func() error {
			return inside.Run(path, unix.CLONE_NEWIPC, func() error {
				id := uintptr(owner)
				if _, _, errno := unix.RawSyscall(unix.SYS_SETRESGID, id, id, id); errno != 0 {
					return fmt.Errorf("take gid %d for the message queue: %w", owner, errno)
				}
				if _, _, errno := unix.RawSyscall(unix.SYS_SETRESUID, id, id, id); errno != 0 {
					return fmt.Errorf("take uid %d for the message queue: %w", owner, errno)
				}
				if _, _, errno := unix.Syscall(unix.SYS_MSGGET, QueueKey, unix.IPC_CREAT|0o600, 0); errno != 0 {
					return fmt.Errorf("make the message queue: %w", errno)
				}
				return nil
			})
		},
	}}}, nil
}

// wire links the container to the bridge with a veth pair and routes
// its traffic through the bridge.
func (b *builder) wire(c Container, target actions.Target) error {
	lab, err := actions.ParseNetNS(Netns)
	if err != nil {
		return err
	}
	inside, err := actions.ParseNetNS(strconv.Itoa(target.PID))
	if err != nil {
		return err
	}
	end := actions.VethEnd{NS: lab, Name: c.Name, Master: Bridge}
	peer := actions.VethEnd{NS: inside, Name: ContainerIf, Addr: c.Addr}
	end, peer, err = actions.PlanVeth(end, peer)
	if err != nil {
		return err
	}
	if err := b.run(actions.Veth(end, peer)); err != nil {
		return err
	}
	gw := BridgeAddr.Addr().String()
	return b.run(&actions.Action{Description: "route " + c.Name + " through the bridge", Steps: []actions.Step{{
		Command: fmt.Sprintf("nsenter -t %d -n ip route add default via %s", target.PID, gw),
		Do: func() error {
			fd, err := netns.GetFromPath(inside.Path)
			if err != nil {
				return err
			}
			defer fd.Close()
			h, err := netlink.NewHandleAt(fd)
			if err != nil {
				return err
			}
			defer h.Close()
			return h.RouteAdd(&netlink.Route{Gw: net.ParseIP(gw)})
		},
	}}}, nil)
}

// makePrivate makes every mount of target's mount namespace that shares
// or receives mount events private, but PropDir, with the propagation
// action: a container's mounts then neither send nor receive, as a
// container engine makes them, while PropDir stays linked for the
// propagation demo. (A new mount namespace of a less privileged user
// namespace starts as a copy whose shared mounts are slaves; making them
// all private at once, mount --make-rprivate /, would cut PropDir off
// too, and the container's own root cannot reach every mount point of
// the host's to do it one by one, so nsdive does it from outside.)
func (b *builder) makePrivate(target actions.Target) error {
	// The host's mounts come and go meanwhile (ip netns add and del
	// under /run/netns reach the copy until /run/netns is private), so it
	// looks again until nothing but PropDir is linked, and a mount point
	// gone before its turn is no error.
	for range 5 {
		points, err := linkedMountsOf(target)
		if err != nil || len(points) == 0 {
			return err
		}
		for _, point := range points {
			err := b.run(actions.SetPropagation(target, point, "private", false))
			if err == nil {
				continue
			}
			if now, readErr := linkedMountsOf(target); readErr != nil || slices.Contains(now, point) {
				return err
			}
		}
	}
	return fmt.Errorf("the mounts of %s keep changing: run nsdive demo up again", target)
}

// linkedMountsOf returns the mount points of target's mount namespace but
// PropDir that share or receive mount events.
func linkedMountsOf(target actions.Target) ([]string, error) {
	mountinfo, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", target.PID))
	if err != nil {
		return nil, fmt.Errorf("read the mounts of %s: %w", target, err)
	}
	return slices.DeleteFunc(linkedMounts(mountinfo), func(p string) bool { return p == PropDir }), nil
}

// linkedMounts returns the mount points of a mountinfo file whose mounts
// have a peer group or a master (shared: or master: among the optional
// fields), each once.
func linkedMounts(mountinfo []byte) []string {
	var points []string
	for line := range strings.Lines(string(mountinfo)) {
		fields := strings.Fields(line)
		if len(fields) < 7 {
			continue
		}
		linked := false
		for _, f := range fields[6:] {
			if f == "-" {
				break
			}
			linked = linked || strings.HasPrefix(f, "shared:") || strings.HasPrefix(f, "master:")
		}
		point := mountinfoUnescaper.Replace(fields[4])
		if linked && !slices.Contains(points, point) {
			points = append(points, point)
		}
	}
	return points
}

// mountinfoUnescaper undoes the escapes the kernel writes in mountinfo
// paths.
var mountinfoUnescaper = strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
