package inspect

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// readUTS reads the host and domain name of the uts namespace at nsPath.
// uname(2) answers for the calling thread's uts namespace, so it runs on a
// thread that has joined it.
//
// Equivalent to: nsenter --uts=NSPATH uname -n; nsenter --uts=NSPATH domainname
func readUTS(join joinFunc, nsPath string) (*UTSInfo, error) {
	var uts unix.Utsname
	err := join(nsPath, func() error {
		if err := unix.Uname(&uts); err != nil {
			return fmt.Errorf("uname in %s: %w", nsPath, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UTSInfo{
		Hostname:   unix.ByteSliceToString(uts.Nodename[:]),
		Domainname: unix.ByteSliceToString(uts.Domainname[:]),
	}, nil
}
