package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/nsdive/nsdive/actions"
	"github.com/nsdive/nsdive/inspect"
)

// prepared is an action ready for its confirmation: what it does, its
// equivalent shell commands, and how it runs.
type prepared struct {
	desc     string
	commands []string
	// action runs off the UI goroutine; exec, when set instead, runs on
	// the terminal with the explorer suspended (a shell entered).
	action *actions.Action
	exec   tea.ExecCommand
	// finish is called with exec's error once it has run, or with nil
	// when the confirmation is declined, to release what preparing took
	// (open namespaces); it returns the error that explains the end.
	finish func(error) error
}

// actionFlow is one action from its key to its result: its form, then
// the confirmation of the prepared commands, then the run.
type actionFlow struct {
	title string
	form  *form // nil for an action without inputs
	// build reads the form (on the UI goroutine) and returns the work
	// that prepares the action, which runs off it (it reads /proc and
	// netlink): it must copy what it needs.
	build func(f *form) func() (*prepared, error)
	ready *prepared // set once prepared: the confirmation shows
	busy  string    // what runs now, "" when waiting for a key
	// show is the network namespace the network page shows once the
	// action is done (a new veth), zero for none.
	show inspect.NamespaceID
}

// actionReadyMsg carries a prepared action or why it could not be.
type actionReadyMsg struct {
	flow *actionFlow
	p    *prepared
	err  error
}

// actionDoneMsg says an action ran, with its log entry.
type actionDoneMsg struct {
	entry logEntry
	show  inspect.NamespaceID // actionFlow.show
}

// logEntry is one action in the log: what, its commands, how it ended.
type logEntry struct {
	at       time.Time
	desc     string
	commands []string
	err      error
}

// Keys of the confirmation.
var (
	confirmYes = key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y/⏎", "run"))
	confirmNo  = key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "cancel"))
)

// actionMsg lets the action flow take msg first: its own messages, every
// key while a flow is open, and the action keys. ok says it took msg.
func (m *Model) actionMsg(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case actionReadyMsg:
		if msg.flow != m.flow {
			return releaseCmd(msg.p), true
		}
		if msg.err != nil {
			m.flow = nil
			m.status, m.statusErr = msg.err.Error(), true
			m.log = append(m.log, logEntry{at: m.now(), desc: msg.flow.title, err: msg.err})
			return nil, true
		}
		m.flow.ready, m.flow.busy = msg.p, ""
		return nil, true
	case actionDoneMsg:
		m.flow = nil
		m.log = append(m.log, msg.entry)
		if msg.entry.err != nil {
			m.status, m.statusErr = msg.entry.desc+": "+msg.entry.err.Error(), true
		} else {
			m.status, m.statusErr = "done: "+msg.entry.desc+" (L shows the log)", false
		}
		m.resize()
		var cmds []tea.Cmd
		if m.live() {
			cmds = append(cmds, m.rescan())
		}
		if _, onNet := m.top().(*netPage); msg.entry.err == nil && !msg.show.IsZero() && !onNet {
			cmds = append(cmds, openCmd(newNetPage(m.c, msg.show)))
		}
		return tea.Batch(cmds...), true
	case tea.MouseMsg:
		// The page under an open flow is hidden: it takes no clicks.
		return nil, m.flow != nil
	case tea.KeyPressMsg:
		if m.flow != nil {
			if msg.String() == "ctrl+c" {
				return nil, false
			}
			return m.flowKey(msg), true
		}
		if m.showHelp {
			return nil, false
		}
		if in, ok := m.top().(inputPage); ok && in.Typing() {
			return nil, false
		}
		return m.actionKey(msg)
	}
	return nil, false
}

// flowKey handles a key while a flow is open.
func (m *Model) flowKey(msg tea.KeyPressMsg) tea.Cmd {
	f := m.flow
	switch {
	case f.busy != "":
		return nil
	case f.ready != nil:
		switch {
		case key.Matches(msg, confirmYes):
			return m.runFlow()
		case key.Matches(msg, confirmNo):
			m.flow = nil
			m.status, m.statusErr = "cancelled: "+f.ready.desc, false
			return releaseCmd(f.ready)
		}
		return nil
	}
	res, cmd := f.form.key(msg)
	switch res {
	case formCancelled:
		m.flow = nil
		m.status, m.statusErr = "cancelled: "+f.title, false
		return nil
	case formDone:
		return m.prepareFlow()
	}
	return cmd
}

// startFlow opens f: its form, or straight its preparation.
func (m *Model) startFlow(f *actionFlow) tea.Cmd {
	m.flow = f
	m.status, m.statusErr = "", false
	if f.form == nil {
		return m.prepareFlow()
	}
	return nil
}

// prepareFlow prepares the flow's action off the UI goroutine.
func (m *Model) prepareFlow() tea.Cmd {
	f := m.flow
	work := f.build(f.form)
	f.busy = "preparing " + f.title + "…"
	return func() tea.Msg {
		p, err := work()
		return actionReadyMsg{flow: f, p: p, err: err}
	}
}

// runFlow runs the confirmed action: off the UI goroutine, or on the
// terminal with the explorer suspended.
func (m *Model) runFlow() tea.Cmd {
	p, show := m.flow.ready, m.flow.show
	m.flow.busy = "running " + p.desc + "…"
	entry := logEntry{at: m.now(), desc: p.desc, commands: p.commands}
	if p.exec != nil {
		return tea.Exec(p.exec, func(err error) tea.Msg {
			if p.finish != nil {
				err = p.finish(err)
			}
			entry.err = err
			return actionDoneMsg{entry: entry, show: show}
		})
	}
	act := p.action
	return func() tea.Msg {
		entry.err = act.Run()
		return actionDoneMsg{entry: entry, show: show}
	}
}

// releaseCmd releases what preparing p took, off the UI goroutine.
func releaseCmd(p *prepared) tea.Cmd {
	if p == nil || p.finish == nil {
		return nil
	}
	return func() tea.Msg {
		p.finish(nil)
		return nil
	}
}

// flowView draws the open flow in the page's room.
func (m *Model) flowView(height int) string {
	f, st := m.flow, m.c.styles
	var lines []string
	var keys []key.Binding
	switch {
	case f.busy != "":
		lines = []string{st.PaneTitle.Render(f.title), "", f.busy}
	case f.ready != nil:
		lines = []string{st.PaneTitle.Render(f.ready.desc), "", st.Label.Render("Equivalent commands:")}
		for _, c := range f.ready.commands {
			lines = append(lines, "  "+c)
		}
		lines = append(lines, "", "Run it?")
		keys = []key.Binding{confirmYes, confirmNo}
	default:
		lines = f.form.view(st)
		keys = []key.Binding{formSubmit, formNext, formPrev, formToggle, formCancel}
	}
	if keys != nil {
		lines = append(lines, "", m.help.ShortHelpView(keys))
	}
	return fitLines(strings.Join(lines, "\n"), height)
}

// logLines draws the log, oldest first.
func logLines(st styles, log []logEntry) []string {
	if len(log) == 0 {
		return []string{st.Dim.Render("No action yet: the keys e, E, u, v, x, P, H and o act on the selection (? lists them).")}
	}
	var lines []string
	for _, e := range log {
		result := st.Appeared.Render("ok")
		if e.err != nil {
			var exit interface{ ExitCode() int }
			if errors.As(e.err, &exit) {
				result = st.Warn.Render(e.err.Error())
			} else {
				result = st.Error.Render("failed: " + e.err.Error())
			}
		}
		lines = append(lines, fmt.Sprintf("%s  %s  %s", st.Dim.Render(e.at.Format("15:04:05")), st.PaneTitle.Render(e.desc), result))
		for _, c := range e.commands {
			lines = append(lines, "    "+c)
		}
	}
	return lines
}
