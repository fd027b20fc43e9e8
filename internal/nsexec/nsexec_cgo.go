//go:build cgo

package nsexec

// #cgo CFLAGS: -Wall -Wextra
import "C" // builds nsexec.c, the constructor, into the binary

// Available reports whether this binary carries the constructor.
const Available = true
