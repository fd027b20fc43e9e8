package main

import (
	"os"
	"os/user"
	"strconv"
	"sync"
)

var userNames sync.Map

// userName returns the login name of uid, or the number when it has none.
func userName(uid int) string {
	if name, ok := userNames.Load(uid); ok {
		return name.(string)
	}
	name := strconv.Itoa(uid)
	if u, err := user.LookupId(name); err == nil {
		name = u.Username
	}
	userNames.Store(uid, name)
	return name
}

// selfPID is nsdive's own pid as /proc shows it.
func selfPID() int {
	if target, err := os.Readlink("/proc/self"); err == nil {
		if pid, err := strconv.Atoi(target); err == nil {
			return pid
		}
	}
	return os.Getpid()
}
