// Package ui is nsdive's interactive explorer, a Bubble Tea v2 program over
// the inspection snapshot.
//
// Shape (see ../../shared/STYLE.md's TUI habits):
//   - Only the root model (root.go) implements tea.Model and returns a
//     tea.View. Screens are pages (page.go): small models with Update,
//     View, SetSize and their own help keys, stacked by the root so that
//     esc goes back. Sizes are pushed down, never read up.
//   - Every page gets the shared *common (styles, keys, the current
//     world of snapshot and changes) from its constructor.
//   - Styles live in styles.go, keys in keys.go (global keys; a page adds
//     its local ones and exposes them for `?`).
//   - Update and View never touch /proc or netlink: scans run as tea.Cmds
//     off the UI goroutine (scan.go) and arrive as scanDoneMsg; a scan
//     still running when the next is due is not started twice.
//   - Errors travel as errMsg and show in the status line; nothing here
//     crashes the terminal: Bubble Tea restores it on quit, signals and
//     panics (explorer.go).
package ui
