package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/nsdive/nsdive/display"
	"github.com/nsdive/nsdive/inspect"
)

// common is what every page shares, handed to its constructor.
type common struct {
	styles styles
	keys   keyMap
	host   host
	users  *display.Users
	// world is the latest snapshot; nil until the first scan is done.
	world *world
}

// Model is the explorer's root model: the page stack, the live rescans,
// the header, the status line and help.
type Model struct {
	c     *common
	pages []page // pages[0] is the namespace browser

	width, height int

	ctx      context.Context
	scanner  *inspect.Rescanner // reads what changed since its last scan
	interval time.Duration
	// pace is the pause before the next rescan: the interval, or longer
	// on a host so large that scans would take too much CPU (scan.go).
	pace     time.Duration
	paused   bool
	scanning bool // a scan is running; no other starts
	queued   bool // rescan-now was asked while one was running
	tickGen  int  // the generation of the pending live tick
	now      func() time.Time

	status    string
	statusErr bool
	help      help.Model
	showHelp  bool

	flow *actionFlow // the action being asked for or run; nil for none
	log  []logEntry  // the actions run, for the log page
}

// newModel returns a root model over a live host (w nil: the first scan
// starts in Init) or over a snapshot read from a file (w set, no scans).
func newModel(ctx context.Context, c *common, interval time.Duration, w *world) *Model {
	c.world = w
	m := &Model{
		c:        c,
		ctx:      ctx,
		scanner:  inspect.NewRescanner(scanOptions()),
		interval: interval,
		now:      time.Now,
		help:     help.New(),
	}
	m.pages = []page{newBrowser(c)}
	return m
}

// live reports whether the model rescans the host.
func (m *Model) live() bool { return m.c.world == nil || m.c.world.fromFile == "" }

// Init starts the first scan and the header's clock.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor}
	if m.live() {
		m.scanning = true
		cmds = append(cmds, scanCmd(m.ctx, m.scanner), clockCmd())
	}
	return tea.Batch(cmds...)
}

// Update handles a message: global keys and scans here, the rest by the
// page on top.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := m.actionMsg(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.resize()
		return m, nil
	case tea.BackgroundColorMsg:
		m.c.styles = defaultStyles(msg.IsDark())
		return m, nil
	case scanDoneMsg:
		return m, m.scanDone(msg)
	case tickMsg:
		if msg.gen != m.tickGen || m.paused {
			return m, nil
		}
		return m, m.rescan()
	case clockMsg:
		if m.c.world != nil && m.c.world.expire(time.Time(msg)) {
			m.refreshPages()
		}
		return m, clockCmd()
	case errMsg:
		m.status, m.statusErr = msg.err.Error(), true
		return m, nil
	case statusMsg:
		m.status, m.statusErr = string(msg), false
		return m, nil
	case openMsg:
		m.pages = append(m.pages, msg.page)
		m.resize()
		return m, nil
	case showMsg:
		m.pages = m.pages[:1]
		if b, ok := m.pages[0].(*browser); ok {
			b.show(msg.ns)
		}
		m.resize()
		return m, nil
	case tea.KeyPressMsg:
		if cmd, done := m.globalKey(msg); done {
			return m, cmd
		}
	case tea.MouseMsg:
		moved, ok := m.pageMouse(msg)
		if !ok {
			return m, nil
		}
		return m, m.top().Update(moved)
	}
	return m, m.top().Update(msg)
}

// pageMouse moves a mouse event to the page's coordinates, whose origin
// is under the header; ok is false for an event outside the page.
func (m *Model) pageMouse(msg tea.MouseMsg) (tea.Msg, bool) {
	top := lipgloss.Height(m.headerView())
	room := m.height - top - lipgloss.Height(m.footerView())
	at := msg.Mouse()
	at.Y -= top
	if at.Y < 0 || at.Y >= room || m.showHelp {
		return nil, false
	}
	switch msg.(type) {
	case tea.MouseClickMsg:
		return tea.MouseClickMsg(at), true
	case tea.MouseReleaseMsg:
		return tea.MouseReleaseMsg(at), true
	case tea.MouseWheelMsg:
		return tea.MouseWheelMsg(at), true
	case tea.MouseMotionMsg:
		return tea.MouseMotionMsg(at), true
	}
	return nil, false
}

// globalKey handles the keys that work on every page, unless the page is
// typing; done says the key was taken.
func (m *Model) globalKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if in, ok := m.top().(inputPage); ok && in.Typing() {
		if msg.String() == "ctrl+c" {
			return tea.Quit, true
		}
		return nil, false
	}
	k := m.c.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit, true
	case key.Matches(msg, k.Help):
		m.showHelp = !m.showHelp
		m.resize()
		return nil, true
	case m.showHelp && key.Matches(msg, k.Back):
		m.showHelp = false
		m.resize()
		return nil, true
	case key.Matches(msg, k.Back) && m.closesInside():
		return nil, true
	case key.Matches(msg, k.Back) && len(m.pages) > 1:
		m.pages = m.pages[:len(m.pages)-1]
		m.resize()
		m.top().Refresh()
		return nil, true
	case key.Matches(msg, k.Pause) && m.live():
		m.paused = !m.paused
		if m.paused {
			return nil, true
		}
		return m.rescan(), true
	case key.Matches(msg, k.Rescan) && m.live():
		return m.rescan(), true
	}
	return nil, false
}

// closesInside lets the page on top take esc for something of its own
// to close (a filter, a focused pane) before esc pops the page.
func (m *Model) closesInside() bool {
	c, ok := m.top().(closer)
	return ok && c.closeInside()
}

// rescan starts a scan now unless one is running, in which case another
// follows it.
func (m *Model) rescan() tea.Cmd {
	if m.scanning {
		m.queued = true
		return nil
	}
	m.scanning = true
	m.tickGen++ // a tick already scheduled is stale now
	return scanCmd(m.ctx, m.scanner)
}

// scanDone takes a finished scan into the world and schedules the next.
func (m *Model) scanDone(msg scanDoneMsg) tea.Cmd {
	m.scanning = false
	if msg.err != nil {
		m.status, m.statusErr = "scan failed: "+msg.err.Error(), true
	} else {
		if m.c.world == nil {
			m.c.world = newWorld(msg.snap, msg.took)
		} else {
			m.c.world = m.c.world.next(msg.snap, msg.took, m.now())
		}
		if m.statusErr && m.status != "" {
			m.status, m.statusErr = "", false
		}
		m.refreshPages()
	}
	if m.queued {
		m.queued = false
		return m.rescan()
	}
	m.tickGen++
	m.pace = nextScanIn(m.interval, msg.took, msg.cpu)
	return tickCmd(m.pace, m.tickGen)
}

// refreshPages tells every page of the stack that the world changed.
func (m *Model) refreshPages() {
	for _, p := range m.pages {
		p.Refresh()
	}
}

func (m *Model) top() page { return m.pages[len(m.pages)-1] }

// resize gives the page on top the room between the header and the footer.
func (m *Model) resize() {
	h := m.height - lipgloss.Height(m.headerView()) - lipgloss.Height(m.footerView())
	m.top().SetSize(m.width, max(h, 0))
}

// View draws the header, the page on top (or help) and the footer.
func (m *Model) View() tea.View {
	var body string
	if m.width > 0 && m.height > 0 {
		header, footer := m.headerView(), m.footerView()
		room := max(m.height-lipgloss.Height(header)-lipgloss.Height(footer), 0)
		switch {
		case m.flow != nil:
			body = m.flowView(room)
		case m.showHelp:
			body = m.helpView(room)
		default:
			body = m.top().View()
		}
		lines := []string{header}
		if room > 0 {
			lines = append(lines, fitLines(body, room))
		}
		body = strings.Join(append(lines, footer), "\n")
	}
	v := tea.NewView(body)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "nsdive"
	return v
}

// fitLines cuts s to n lines, or pads it with empty ones, so that the
// footer stays at the bottom. It leaves widths alone (pages draw to
// theirs): measuring every cell of the frame, as a lipgloss style with a
// height and JoinVertical do, was a third of a keypress's time on the
// main screen at 200x50.
func fitLines(s string, n int) string {
	at, i := 0, 0
	for ; i < n; i++ {
		nl := strings.IndexByte(s[at:], '\n')
		if nl < 0 {
			break
		}
		if i == n-1 {
			return s[:at+nl]
		}
		at += nl + 1
	}
	return s + strings.Repeat("\n", n-1-i)
}

// footerView draws the status line and the short help.
func (m *Model) footerView() string {
	st := m.c.styles
	status := st.Status.Render(m.status)
	if m.statusErr {
		status = st.Error.Render(m.status)
	}
	keys := append(m.top().Keys(), m.c.keys.Help, m.c.keys.Quit)
	short := m.help.ShortHelpView(keys)
	line := lipgloss.NewStyle().MaxWidth(m.width).Render(short)
	if m.status == "" {
		return line
	}
	return lipgloss.JoinVertical(lipgloss.Left, lipgloss.NewStyle().MaxWidth(m.width).Render(status), line)
}

// helpView lists every key: the page's own, movement, and the global ones.
func (m *Model) helpView(height int) string {
	acts := append(m.c.keys.actions(), m.c.keys.Log)
	groups := [][]key.Binding{m.top().Keys(), m.c.keys.movement(), m.c.keys.global(), acts[:len(acts)/2], acts[len(acts)/2:]}
	title := m.c.styles.PaneTitle.Render("Keys on " + m.top().Title())
	// The groups side by side, in as many rows as the width needs.
	rows := []string{title}
	var row []string
	width := 0
	gap := lipgloss.NewStyle().PaddingRight(3)
	for _, g := range groups {
		col := gap.Render(m.help.FullHelpView([][]key.Binding{g}))
		if w := lipgloss.Width(col); len(row) == 0 || width+w <= m.width {
			row, width = append(row, col), width+w
			continue
		}
		rows = append(rows, "", lipgloss.JoinHorizontal(lipgloss.Top, row...))
		row, width = []string{col}, lipgloss.Width(col)
	}
	rows = append(rows, "", lipgloss.JoinHorizontal(lipgloss.Top, row...))
	return lipgloss.NewStyle().MaxHeight(height).Render(lipgloss.JoinVertical(lipgloss.Left, rows...))
}
