package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/nsdive/nsdive/inspect"
)

// host is what the header says about the machine, read once at start.
type host struct {
	Name   string // the node name of nsdive's uts namespace
	Kernel string // the kernel release
	Root   bool   // nsdive runs as root
}

// headerView draws the top line (host, kernel, counts, full or partial
// view, live refresh) and, under it, a banner when the view is a
// read-only snapshot or misses what only root can read.
func (m *Model) headerView() string {
	st := m.c.styles
	w := m.c.world
	line := lipgloss.NewStyle().MaxWidth(m.width)
	if w == nil {
		return line.Render(strings.Join([]string{st.Brand.Render("nsdive"), m.c.host.Name, st.Dim.Render("scanning…")}, " · "))
	}
	// Parts in the order they are dropped when the line is too long.
	var head, host, counts, state []string
	head = []string{st.Brand.Render("nsdive")}
	if w.fromFile != "" {
		head = append(head, st.Warn.Render("snapshot "+w.fromFile))
		state = []string{"taken " + w.snap.Taken.Format(time.DateTime)}
	} else {
		head = append(head, m.c.host.Name)
		host = []string{m.c.host.Kernel}
		state = []string{m.liveText()}
	}
	counts = []string{fmt.Sprintf("%s procs", count(w.procs)), fmt.Sprintf("%s ns", count(len(w.snap.Namespaces)))}
	switch {
	case w.fromFile != "":
	case !w.partial.Missing():
		counts = append(counts, viewer(m.c.host))
	default:
		counts = append(counts, st.Warn.Render("partial"))
	}
	top := ""
	for _, parts := range [][][]string{{head, host, counts, state}, {head, counts, state}, {head, counts}} {
		top = strings.Join(slices.Concat(parts...), " · ")
		if lipgloss.Width(top) <= m.width {
			break
		}
	}
	top = line.Render(top)
	if banner := m.banner(); banner != "" {
		return top + "\n" + line.Render(st.Warn.Render(banner))
	}
	return top
}

// banner says why the view is not the live host in full: a snapshot read
// from a file, or a reader that is not root.
func (m *Model) banner() string {
	w := m.c.world
	switch {
	case w.fromFile != "":
		return "read-only snapshot: no rescans (r and space do nothing here)"
	case !w.partial.Missing():
		return ""
	}
	are := "are"
	if len(w.partial.PIDs) == 1 {
		are = "is"
	}
	if m.c.host.Root {
		return fmt.Sprintf("partial view: %s %s unreadable, their namespaces are missing", w.partial.What(), are)
	}
	return fmt.Sprintf("partial view: %s %s not yours · sudo nsdive for the full view", w.partial.What(), are)
}

// liveText says how live the view is: the interval or paused, and how old
// the snapshot is.
func (m *Model) liveText() string {
	st := m.c.styles
	state := "live " + m.interval.String()
	if m.pace > m.interval {
		state = fmt.Sprintf("live %s (slowed from %s on this many processes)", m.pace.Round(100*time.Millisecond), m.interval)
	}
	if m.paused {
		state = st.Warn.Render("paused")
	}
	age := m.now().Sub(m.c.world.snap.Taken).Truncate(100 * time.Millisecond)
	scanning := ""
	if m.scanning {
		scanning = " " + st.Dim.Render("(scanning)")
	}
	return fmt.Sprintf("%s · scanned %s ago%s", state, age, scanning)
}

func viewer(h host) string {
	if h.Root {
		return "root"
	}
	return "user"
}

// processCount counts processes, not threads.
func processCount(s *inspect.Snapshot) int {
	n := 0
	for _, p := range s.Processes {
		if !p.IsThread() {
			n++
		}
	}
	return n
}

// count writes n with thousands separators: 12,345.
func count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
