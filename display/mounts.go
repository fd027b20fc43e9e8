package display

import (
	"fmt"
	"strings"

	"github.com/nsdive/nsdive/inspect"
)

// Peers counts the mounts in mount namespaces other than m's that mount m
// propagates to (the PEERS column); only namespaces the scan could read
// count.
func Peers(snap *inspect.Snapshot, m inspect.MountRef) int {
	others := 0
	for _, ref := range snap.PropagatesTo(m) {
		if ref.MountNS != m.MountNS {
			others++
		}
	}
	return others
}

// PeerGroupsText shows a mount's optional mountinfo fields as the kernel
// writes them ("shared:1 master:2"), "-" when it has none.
func PeerGroupsText(p inspect.Propagation) string {
	var parts []string
	if p.Shared != 0 {
		parts = append(parts, fmt.Sprintf("shared:%d", p.Shared))
	}
	if p.Master != 0 {
		parts = append(parts, fmt.Sprintf("master:%d", p.Master))
	}
	if p.PropagateFrom != 0 {
		parts = append(parts, fmt.Sprintf("propagate_from:%d", p.PropagateFrom))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

// MountSource is what findmnt shows as a mount's SOURCE: the device, with
// the path inside the filesystem in brackets when that is not its root
// (a bind mount of a directory, an nsfs mount: "nsfs[net:[4026532176]]").
func MountSource(m *inspect.Mount) string {
	if m.Root != "" && m.Root != "/" {
		return m.Source + "[" + m.Root + "]"
	}
	return m.Source
}
