package ui

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/nsdive/nsdive/inspect"
)

// The filter's own keys while it is typed.
var (
	filterKeep  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("⏎", "keep filter"))
	filterClear = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter"))
)

// filterInput is the `/` filter of the browser and the network page.
// Digits alone match a member's pid exactly or appear in the inode; other
// text matches, ignoring case, a member's command, a container's name, id
// or engine, an interface's name (or its veth peer's) or address, or a
// bind mount's path (a /run/netns name).
type filterInput struct {
	typing bool
	text   string
	// The searchable text in lower case, built when first needed for
	// the current world: each task's command, and each namespace's own
	// words (containers, interfaces, holders).
	procs    []*inspect.Process
	procText []string // of procs
	nsText   map[inspect.NamespaceID]string
	// hits are the namespaces with a member whose command matches
	// hitsFor, found in one pass over the tasks rather than one per
	// namespace (the initial namespaces hold every process).
	hits    map[inspect.NamespaceID]bool
	hitsFor string
}

// start opens the filter for typing, keeping any text already there.
func (f *filterInput) start() { f.typing = true }

// clear empties and closes the filter.
func (f *filterInput) clear() { f.typing, f.text = false, "" }

// forget drops the searchable text of the previous world.
func (f *filterInput) forget() {
	f.procs, f.procText, f.nsText, f.hits, f.hitsFor = nil, nil, nil, nil, ""
}

// none says why a list is empty when the filter emptied it.
func (f *filterInput) none() string {
	if f.text == "" {
		return ""
	}
	return fmt.Sprintf(" matches %q (esc clears the filter)", f.text)
}

// keeps reports whether ns matches the filter; everything does when it is
// empty.
func (f *filterInput) keeps(w *world, ns *inspect.Namespace) bool {
	q := strings.TrimSpace(f.text)
	if q == "" {
		return true
	}
	if n, err := strconv.Atoi(q); err == nil && n >= 0 {
		if strings.Contains(strconv.FormatUint(ns.ID.Ino, 10), q) {
			return true
		}
		p := w.snap.Processes[n]
		return p != nil && p.Namespaces.Of(ns.Type) == ns.ID
	}
	q = strings.ToLower(q)
	if f.nsText == nil {
		f.nsText = make(map[inspect.NamespaceID]string)
	}
	text, ok := f.nsText[ns.ID]
	if !ok {
		text = namespaceText(w, ns)
		f.nsText[ns.ID] = text
	}
	if strings.Contains(text, q) {
		return true
	}
	if w.snap.Namespaces[ns.ID] != ns { // vanished: its members are gone too
		for _, p := range ns.Processes {
			if strings.Contains(processText(p), q) {
				return true
			}
		}
		return false
	}
	return f.memberHits(w, q)[ns.ID]
}

// memberHits returns the namespaces whose members' commands contain q.
func (f *filterInput) memberHits(w *world, q string) map[inspect.NamespaceID]bool {
	if f.hits != nil && f.hitsFor == q {
		return f.hits
	}
	if f.procText == nil {
		f.procs = w.snap.SortedProcesses()
		f.procText = make([]string, len(f.procs))
		for i, p := range f.procs {
			f.procText[i] = processText(p)
		}
	}
	f.hits, f.hitsFor = make(map[inspect.NamespaceID]bool), q
	seen := make(map[inspect.NamespaceSet]bool) // a container's processes share one set
	for i, text := range f.procText {
		p := f.procs[i]
		if seen[p.Namespaces] || !strings.Contains(text, q) {
			continue
		}
		seen[p.Namespaces] = true
		for l := range inspect.NumLinks {
			if !l.ForChildren() {
				f.hits[p.Namespaces[l]] = true
			}
		}
	}
	return f.hits
}

// processText is what text filters search in a process: its command
// name and line, in lower case.
func processText(p *inspect.Process) string {
	return strings.ToLower(p.Comm + "\x00" + strings.Join(p.Cmdline, " "))
}

// namespaceText is what text filters search in a namespace itself, in
// lower case: its containers, interfaces with their addresses, and
// holders.
func namespaceText(w *world, ns *inspect.Namespace) string {
	var b strings.Builder
	add := func(s string) {
		b.WriteString(strings.ToLower(s))
		b.WriteByte(0)
	}
	for _, c := range ns.Containers {
		add(c.Engine)
		add(c.Name)
		add(c.ID)
	}
	if n := ns.Details.Net; n != nil {
		for _, i := range n.Interfaces {
			add(i.Name)
			if i.Peer != nil {
				add(i.Peer.Name)
			}
			for _, a := range i.Addrs {
				add(a)
			}
		}
	}
	for _, l := range w.snap.HolderLabels(ns) {
		add(l)
	}
	return b.String()
}

// key edits the filter while it is typed: esc clears it, enter keeps it
// and gives the keys back to the page. It reports whether the text
// changed, so that the page filters its rows again.
func (f *filterInput) key(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "esc":
		f.clear()
	case "enter":
		f.typing = false
		return false
	case "backspace", "ctrl+h":
		if _, size := utf8.DecodeLastRuneInString(f.text); size > 0 {
			f.text = f.text[:len(f.text)-size]
		}
	case "ctrl+u":
		f.text = ""
	case "ctrl+w":
		f.text = strings.TrimRight(f.text, " ")
		f.text = f.text[:strings.LastIndex(f.text, " ")+1]
	default:
		if msg.Text == "" {
			return false
		}
		f.text += msg.Text
	}
	return true
}

// view is the filter's line: the text with a cursor while typed, how many
// namespaces match (matches: "3 matches", ...) and the keys.
func (f *filterInput) view(st *styles, width int, matches string) string {
	line := st.Key.Render("/") + f.text
	if f.typing {
		line += st.Selected.Render(" ")
	}
	hint := "  ⏎ keep · esc clear"
	if !f.typing {
		hint = "  / edit · esc clear"
	}
	return fit(line+st.Dim.Render("  "+matches+hint), width)
}

// matchCount says how many namespaces match: "1 match", "3 matches".
func matchCount(n int) string {
	if n == 1 {
		return "1 match"
	}
	return fmt.Sprintf("%d matches", n)
}

// filterView is the browser's filter line, with the matches on this tab
// and on all.
func (b *browser) filterView(width int) string {
	matches := matchCount(b.counts[0])
	if !tabs[b.tab].all {
		matches += fmt.Sprintf(", %d %s", b.counts[b.tab], tabs[b.tab].name())
	}
	return b.filter.view(&b.c.styles, width, matches)
}
