// Package schema writes nsdive's JSON: the snapshot schema
// nsdive.snapshot/v1 (`nsdive list --json --details`, README.md documents
// it), and the process and mount lists of `nsdive ps -J` and
// `nsdive mounts -J`, which use the same objects.
//
// Rules of this package:
//   - The wire format lives here and only here: inspect's types carry no
//     JSON tags, and every member's name and shape is in one place.
//   - Writing is one pass through internal/jsonw, fast enough for hosts
//     with thousands of processes.
//   - A schema changes only by adding members; any other change gets a new
//     schema name.
package schema
