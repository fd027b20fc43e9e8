// Package display is the display model that the CLI (list, ps, mounts)
// and the explorer share: what each column is called and holds, how rows
// nest as trees, which namespaces a selection keeps, how users and
// commands are named, which links are not the initial ones, how many
// peers a mount has, and what a partial view is missing.
//
// Rules of this package:
//   - It turns an inspect.Snapshot into values and strings; it never reads
//     /proc itself (user names come from the system's user database, in a
//     cache the caller may refresh).
//   - No terminal code: no colours, no widths, no escaping. The CLI lays
//     rows out as tables, JSON or raw text; the explorer draws them.
//   - A cell's value is what JSON carries (a number, a string or nil); its
//     text is what a table shows.
package display
