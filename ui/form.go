package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// fieldKind is what a form field holds.
type fieldKind int

const (
	textField   fieldKind = iota // a line of text
	toggleField                  // on or off
	choiceField                  // one of a list of options
)

// field is one input of an action's form.
type field struct {
	kind  fieldKind
	label string
	help  string // a short hint shown beside it
	input textinput.Model
	on    bool     // a toggle's value
	opts  []option // a choice's options
	pick  int      // the chosen option
}

// option is one choice of a choice field: what it shows and its value.
type option struct{ label, value string }

// form is the inputs of an action, asked before its confirmation: text
// fields, toggles and choices, one focused at a time.
type form struct {
	title  string
	fields []*field
	focus  int
}

// Keys of a form; they are the form's own, shown under it.
var (
	formNext   = key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field"))
	formPrev   = key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous"))
	formToggle = key.NewBinding(key.WithKeys("space", "left", "right"), key.WithHelp("space/←/→", "toggle, choose"))
	formSubmit = key.NewBinding(key.WithKeys("enter"), key.WithHelp("⏎", "continue"))
	formCancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
)

// textIn returns a text field holding value.
func textIn(label, value, help string) *field {
	in := textinput.New()
	in.Prompt = ""
	in.SetValue(value)
	in.CharLimit = 256
	in.SetWidth(40)
	return &field{kind: textField, label: label, help: help, input: in}
}

// toggle returns a toggle field.
func toggle(label string, on bool, help string) *field {
	return &field{kind: toggleField, label: label, on: on, help: help}
}

// choice returns a choice field on the first of opts.
func choice(label string, opts []option, help string) *field {
	return &field{kind: choiceField, label: label, opts: opts, help: help}
}

// newForm returns a form with its first field focused.
func newForm(title string, fields ...*field) *form {
	f := &form{title: title, fields: fields}
	f.setFocus(0)
	return f
}

// setFocus moves the focus to field i.
func (f *form) setFocus(i int) {
	if len(f.fields) == 0 {
		return
	}
	f.focus = (i + len(f.fields)) % len(f.fields)
	for j, fl := range f.fields {
		if fl.kind != textField {
			continue
		}
		if j == f.focus {
			fl.input.Focus()
			fl.input.CursorEnd()
		} else {
			fl.input.Blur()
		}
	}
}

// formResult says what a key did to the form.
type formResult int

const (
	formEditing formResult = iota
	formDone
	formCancelled
)

// key handles a key press.
func (f *form) key(msg tea.KeyPressMsg) (formResult, tea.Cmd) {
	switch {
	case key.Matches(msg, formCancel):
		return formCancelled, nil
	case key.Matches(msg, formSubmit):
		return formDone, nil
	case key.Matches(msg, formNext):
		f.setFocus(f.focus + 1)
		return formEditing, nil
	case key.Matches(msg, formPrev):
		f.setFocus(f.focus - 1)
		return formEditing, nil
	}
	if len(f.fields) == 0 {
		return formEditing, nil
	}
	fl := f.fields[f.focus]
	switch fl.kind {
	case textField:
		var cmd tea.Cmd
		fl.input, cmd = fl.input.Update(msg)
		return formEditing, cmd
	case toggleField:
		if key.Matches(msg, formToggle) {
			fl.on = !fl.on
		}
	case choiceField:
		if len(fl.opts) > 0 {
			switch msg.String() {
			case "left":
				fl.pick = (fl.pick + len(fl.opts) - 1) % len(fl.opts)
			case "right", "space":
				fl.pick = (fl.pick + 1) % len(fl.opts)
			}
		}
	}
	return formEditing, nil
}

// text returns the trimmed text of field i.
func (f *form) text(i int) string { return strings.TrimSpace(f.fields[i].input.Value()) }

// on returns whether toggle i is on.
func (f *form) on(i int) bool { return f.fields[i].on }

// chosen returns the value of choice i, "" when it has no option.
func (f *form) chosen(i int) string {
	fl := f.fields[i]
	if fl.pick < len(fl.opts) {
		return fl.opts[fl.pick].value
	}
	return ""
}

// view draws the form.
func (f *form) view(st styles) []string {
	width := 0
	for _, fl := range f.fields {
		width = max(width, len(fl.label))
	}
	lines := []string{st.PaneTitle.Render(f.title), ""}
	for i, fl := range f.fields {
		mark := "  "
		if i == f.focus {
			mark = st.Key.Render("▸ ")
		}
		label := st.Label.Render(fl.label + strings.Repeat(" ", width-len(fl.label)))
		var value string
		switch fl.kind {
		case textField:
			value = fl.input.View()
		case toggleField:
			value = "[ ]"
			if fl.on {
				value = "[x]"
			}
		case choiceField:
			value = "(none)"
			if fl.pick < len(fl.opts) {
				value = "‹ " + fl.opts[fl.pick].label + " ›"
			}
		}
		line := mark + label + "  " + value
		if fl.help != "" {
			line += "  " + st.Dim.Render(fl.help)
		}
		lines = append(lines, line)
	}
	return lines
}
