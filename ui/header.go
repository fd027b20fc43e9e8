package ui

import (
	"fmt"
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

// headerView draws the top line: host, kernel, counts, full or partial
// view, and the state of live refresh.
func (m *Model) headerView() string {
	st := m.c.styles
	parts := []string{st.Brand.Render("nsdive")}
	w := m.c.world
	if w == nil {
		parts = append(parts, m.c.host.Name, st.Dim.Render("scanning…"))
		return lipgloss.NewStyle().MaxWidth(m.width).Render(strings.Join(parts, " · "))
	}
	if w.fromFile != "" {
		parts = append(parts, st.Warn.Render("snapshot "+w.fromFile), "taken "+w.snap.Taken.Format(time.DateTime))
	} else {
		parts = append(parts, m.c.host.Name, m.c.host.Kernel)
	}
	parts = append(parts, fmt.Sprintf("%s procs", count(processCount(w.snap))),
		fmt.Sprintf("%s ns", count(len(w.snap.Namespaces))))
	switch {
	case w.fromFile != "":
	case !w.partial.Missing():
		parts = append(parts, viewer(m.c.host))
	case m.c.host.Root:
		parts = append(parts, st.Warn.Render("partial: "+w.partial.What()))
	default:
		parts = append(parts, st.Warn.Render("partial: run as root (sudo nsdive) for the full view"))
	}
	if w.fromFile == "" {
		parts = append(parts, m.liveText())
	}
	return lipgloss.NewStyle().MaxWidth(m.width).Render(strings.Join(parts, " · "))
}

// liveText says how live the view is: the interval or paused, and how old
// the snapshot is.
func (m *Model) liveText() string {
	st := m.c.styles
	state := "live " + m.interval.String()
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
