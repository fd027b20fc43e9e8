package actions

import (
	"fmt"

	"github.com/nsdive/nsdive/internal/nsfile"
	"golang.org/x/sys/unix"
)

// AddNetns returns the action that makes a new network namespace
// persisted at /run/netns/name with no process in it, as ip netns add
// does: /run/netns made shared as Persist makes it, the file, then the
// namespace, made on a thread that ends once it is bound there
// (nsfile.New; the tests' fixtures make theirs with the same code).
//
// Equivalent to: ip netns add NAME
func AddNetns(name string) (*Action, error) {
	path, err := NetnsPath(name)
	if err != nil {
		return nil, err
	}
	if _, err := lstat(path); err == nil {
		return nil, existsError(path)
	}
	steps, err := netnsDirSteps()
	if err != nil {
		return nil, err
	}
	file := &persistFile{path: path}
	bind := Step{
		Command: fmt.Sprintf("unshare --net sleep infinity & mount --bind /proc/$!/ns/net %s; kill $!", path),
		Do: func() error {
			defer file.close()
			nsFD, err := nsfile.New(unix.CLONE_NEWNET, nil)
			if err != nil {
				return needRoot(err)
			}
			defer unix.Close(nsFD)
			return needRoot(wrapErr("bind-mount the new network namespace at "+path, file.bind(nsFD)))
		},
		Undo: file.unmount,
	}
	return &Action{
		Description: "add network namespace " + name,
		Steps:       append(steps, file.createStep(), bind),
	}, nil
}
