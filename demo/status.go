package demo

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/nsdive/nsdive/actions"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// Row is one object of the lab and whether it is there.
type Row struct {
	Kind, Name string
	OK         bool
	// Detail says what was found, or what is missing.
	Detail string
}

// rows are the objects of a lab.
type rows []Row

// missing returns the rows of what is missing.
func (rs rows) missing() rows {
	var out rows
	for _, r := range rs {
		if !r.OK {
			out = append(out, r)
		}
	}
	return out
}

// ErrIncomplete is Status's error when part of the lab is missing.
var ErrIncomplete = errors.New("the lab is incomplete: run nsdive demo up")

// Status writes a table of the lab's objects, what exists and what is
// missing, and returns ErrIncomplete when anything is missing.
func Status(w io.Writer) error {
	if os.Geteuid() != 0 {
		return ErrNotRoot
	}
	unlock, err := lock()
	if err != nil {
		return err
	}
	defer unlock()
	s, _, err := readState()
	if err != nil {
		return err
	}
	rs := check(s)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAME\tSTATE\tDETAIL")
	for _, r := range rs {
		state := "up"
		if !r.OK {
			state = "MISSING"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Kind, r.Name, state, r.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rs.missing()) > 0 {
		return ErrIncomplete
	}
	return nil
}

// check looks for each object of the lab that s records.
func check(s State) rows {
	var rs rows
	add := func(kind, name string, ok bool, detail string) {
		rs = append(rs, Row{kind, name, ok, detail})
	}
	procs := map[string]Proc{}
	for _, p := range s.Procs {
		procs[p.Name] = p
	}
	for _, point := range []string{Dir, PropDir} {
		add("mount", point, isMountPoint(point), "")
	}
	if dir := cgroupDir(""); dir != "" {
		_, err := os.Stat(dir)
		add("cgroup", dir, err == nil, "")
	}
	for _, name := range []string{Netns, EmptyNetns} {
		path := filepath.Join(actions.NetnsDir, name)
		_, err := actions.ParseNetNS(name)
		add("netns", path, err == nil && isMountPoint(path), "")
	}
	links := labLinks()
	add("bridge", Bridge+" in "+Netns, links[Bridge] != "", links[Bridge])
	keeper, ok := procs[Keeper]
	ok = ok && alive(keeper)
	add("process", Keeper, ok, pidDetail(keeper, ok))
	held := ""
	if ok {
		held = heldUTS(keeper.PID)
	}
	add("uts", HeldHostname+" held by "+Keeper, held != "", held)
	for _, c := range Containers {
		p, ok := procs[c.Name]
		ok = ok && alive(p)
		add("container", c.Name, ok, pidDetail(p, ok))
		add("veth", c.Name+" in "+Netns, links[c.Name] != "", links[c.Name])
	}
	return rs
}

// pidDetail names a live process's pid.
func pidDetail(p Proc, ok bool) string {
	if !ok {
		return ""
	}
	return "pid " + strconv.Itoa(p.PID)
}

// labLinks returns the links of the lab's network namespace with their
// addresses or bridge.
func labLinks() map[string]string {
	out := map[string]string{}
	fd, err := netns.GetFromPath(filepath.Join(actions.NetnsDir, Netns))
	if err != nil {
		return out
	}
	defer fd.Close()
	h, err := netlink.NewHandleAt(fd)
	if err != nil {
		return out
	}
	defer h.Close()
	links, err := h.LinkList()
	if err != nil {
		return out
	}
	names := map[int]string{}
	for _, l := range links {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	for _, l := range links {
		a := l.Attrs()
		detail := a.OperState.String()
		if a.MasterIndex != 0 {
			detail += ", master " + names[a.MasterIndex]
		}
		addrs, _ := h.AddrList(l, netlink.FAMILY_V4)
		for _, addr := range addrs {
			detail += ", " + addr.IPNet.String()
		}
		out[a.Name] = detail
	}
	return out
}

// heldUTS returns the descriptor of pid that holds a uts namespace, as
// "fd N uts:[INODE]", or "".
func heldUTS(pid int) string {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		link, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err == nil && strings.HasPrefix(link, "uts:[") {
			return "fd " + e.Name() + " " + link
		}
	}
	return ""
}
