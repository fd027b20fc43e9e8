package inside

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// SocketNamespace opens the network namespace that socket fd of the
// process behind pidfd was created in, and returns the nsfs descriptor,
// which the caller closes. The socket is copied with pidfd_getfd (which
// needs ptrace access to the process) and asked with SIOCGSKNS. A
// descriptor that is not a socket fails with ENOTTY.
func SocketNamespace(pidfd, fd int) (int, error) {
	sock, err := unix.PidfdGetfd(pidfd, fd, 0)
	if err != nil {
		return -1, fmt.Errorf("pidfd_getfd %d: %w", fd, err)
	}
	defer unix.Close(sock)
	nsfd, err := unix.IoctlRetInt(sock, unix.SIOCGSKNS)
	if err != nil {
		return -1, fmt.Errorf("SIOCGSKNS on fd %d: %w", fd, err)
	}
	return nsfd, nil
}
