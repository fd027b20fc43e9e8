package child

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// recv reads one message and the descriptors that came with it; "" at
// the end of the conversation.
func recv(conn *os.File) (string, []int, error) {
	buf := make([]byte, 4096)
	oob := make([]byte, unix.CmsgSpace(8*4))
	for {
		n, oobn, _, _, err := unix.Recvmsg(int(conn.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return "", nil, fmt.Errorf("unshare: read from the child: %w", err)
		}
		var fds []int
		if oobn > 0 {
			msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
			if err == nil {
				for _, m := range msgs {
					if got, err := unix.ParseUnixRights(&m); err == nil {
						fds = append(fds, got...)
					}
				}
			}
		}
		return string(buf[:n]), fds, nil
	}
}

// send writes one message, with descriptors.
func send(conn *os.File, msg string, fds ...int) error {
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	return unix.Sendmsg(int(conn.Fd()), []byte(msg), oob, nil, 0)
}
