package inside

import (
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// NetHandle opens a rtnetlink handle bound to the network namespace at
// nsPath; the caller closes it. A netlink socket belongs to the namespace
// it was created in, so it is created on a thread that has joined the
// namespace (see Run) and then used from any thread. netlink.NewHandleAt
// would do the same setns on the caller's own thread, switch back ignoring
// errors and unlock it.
//
// Equivalent to: ip -n NS ... (ip -netns opens its socket the same way)
func NetHandle(nsPath string) (*netlink.Handle, error) {
	return NetHandleVia(func(nsPath string, fn func() error) error {
		return Run(nsPath, unix.CLONE_NEWNET, fn)
	}, nsPath)
}

// NetHandleVia is NetHandle with the socket created in fn run by join,
// which runs it on a thread that has joined the namespace at nsPath: a
// Visit's join, for a scan that reads many namespaces.
func NetHandleVia(join func(nsPath string, fn func() error) error, nsPath string) (*netlink.Handle, error) {
	var h *netlink.Handle
	err := join(nsPath, func() error {
		var err error
		h, err = netlink.NewHandle(unix.NETLINK_ROUTE)
		if err != nil {
			return fmt.Errorf("open netlink socket in %s: %w", nsPath, err)
		}
		return nil
	})
	return h, err
}
