//go:build !cgo

package nsexec

// Available reports whether this binary carries the constructor: not
// when built with CGO_ENABLED=0.
const Available = false
