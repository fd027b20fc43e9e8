package inspect

import (
	"bytes"
	"fmt"
	"strconv"
)

// parseNSLink parses the target of a /proc/PID/ns link or an nsfs mount
// root, "net:[4026531833]", into its type name and inode.
func parseNSLink(target []byte) (name []byte, ino uint64, err error) {
	colon := bytes.IndexByte(target, ':')
	if colon < 1 || len(target) < colon+4 || target[colon+1] != '[' || target[len(target)-1] != ']' {
		return nil, 0, fmt.Errorf("parse namespace link %q: want type:[inode]", target)
	}
	ino, err = strconv.ParseUint(string(target[colon+2:len(target)-1]), 10, 64)
	if err != nil {
		return nil, 0, fmt.Errorf("parse namespace link %q: %w", target, err)
	}
	return target[:colon], ino, nil
}

// typeOfName returns the namespace type of a link's type name.
func typeOfName(name []byte) (Type, bool) {
	for _, t := range Types {
		if string(name) == typeTable[t].name {
			return t, true
		}
	}
	return 0, false
}
