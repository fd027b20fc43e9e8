package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/nsdive/nsdive/actions"
	"golang.org/x/sys/unix"
)

// Options change how Up and Down run.
type Options struct {
	// Log receives each action's equivalent shell commands, prefixed
	// "# "; nil for none.
	Log io.Writer
}

// builder makes the lab, recording each object in its state first.
type builder struct {
	ctx   context.Context
	opts  Options
	state State
	stage int
}

// injectFailure, when set (by tests), is asked before each stage of Up
// whether to fail there.
var injectFailure func(stage int) error

// Up builds the lab. When the lab is already up and complete it does
// nothing; a lab left incomplete (a process killed by hand, an earlier Up
// interrupted) is taken down and built again. When anything fails, or ctx
// is done, what Up made is taken down before it returns.
func Up(ctx context.Context, opts Options) error {
	if os.Geteuid() != 0 {
		return ErrNotRoot
	}
	if err := checkRoutes(); err != nil {
		return err
	}
	unlock, err := lock()
	if err != nil {
		return err
	}
	defer unlock()
	old, found, err := readState()
	if err != nil {
		return err
	}
	if found {
		if old.Complete && len(check(old).missing()) == 0 {
			return nil
		}
		if err := down(old, opts); err != nil {
			return err
		}
	} else if foreign := foreignObjects(); len(foreign) > 0 {
		return fmt.Errorf("%s exists and no lab of nsdive demo made it: remove it first", strings.Join(foreign, ", "))
	}
	b := &builder{ctx: ctx, opts: opts}
	err = b.build()
	if err == nil && ctx.Err() != nil {
		// Cancelled after the last step looked: the caller wants no lab.
		err = interrupted(ctx.Err())
	}
	if err != nil {
		return errors.Join(err, down(b.state, opts))
	}
	return nil
}

// interrupted is Up's error when its context ended it.
func interrupted(err error) error {
	return fmt.Errorf("interrupted: what was built so far is taken down (%w)", err)
}

// foreignObjects lists the lab's objects that exist already.
func foreignObjects() []string {
	var found []string
	for _, name := range []string{Netns, EmptyNetns} {
		if _, err := os.Lstat(filepath.Join(actions.NetnsDir, name)); err == nil {
			found = append(found, filepath.Join(actions.NetnsDir, name))
		}
	}
	if dir := cgroupDir(""); dir != "" {
		if _, err := os.Lstat(dir); err == nil {
			found = append(found, "cgroup "+dir)
		}
	}
	if isMountPoint(Dir) {
		found = append(found, "mount "+Dir)
	}
	return found
}

// next starts a stage, and is called after each record: it fails when
// ctx is done or a test asks.
func (b *builder) next() error {
	b.stage++
	if injectFailure != nil {
		if err := injectFailure(b.stage); err != nil {
			return err
		}
	}
	if err := b.ctx.Err(); err != nil {
		return interrupted(err)
	}
	return nil
}

// record writes the state with change applied, before the object it
// records is made; a test may make Up fail just after.
func (b *builder) record(change func(*State)) error {
	change(&b.state)
	if err := b.state.write(); err != nil {
		return err
	}
	return b.next()
}

// run prints an action's commands and runs it.
func (b *builder) run(a *actions.Action, err error) error {
	if err != nil {
		return err
	}
	if b.opts.Log != nil {
		for _, c := range a.Commands() {
			fmt.Fprintf(b.opts.Log, "# %s\n", c)
		}
	}
	return a.Run()
}

// build makes the lab's objects in order.
func (b *builder) build() error {
	for _, step := range []func() error{
		b.makeDir, b.makeProp, b.makeCgroups,
		func() error { return b.makeNetns(EmptyNetns) },
		func() error { return b.makeNetns(Netns) },
		b.makeBridge, b.startKeeper,
	} {
		if err := b.next(); err != nil {
			return err
		}
		if err := step(); err != nil {
			return err
		}
	}
	for _, c := range Containers {
		if err := b.next(); err != nil {
			return err
		}
		if err := b.makeContainer(c); err != nil {
			return fmt.Errorf("container %s: %w", c.Name, err)
		}
	}
	if err := b.next(); err != nil {
		return err
	}
	return b.record(func(s *State) { s.Complete = true })
}

// makeDir makes Dir, the state file, and a private bind mount of Dir on
// itself, so that the mounts below it stay in the lab (as ip netns does
// for /run/netns).
func (b *builder) makeDir() error {
	if err := os.Mkdir(Dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("make %s: %w", Dir, needRoot(err))
	}
	if err := b.record(func(s *State) { s.Dirs = append(s.Dirs, Dir); s.Mounts = append(s.Mounts, Dir) }); err != nil {
		return err
	}
	return b.run(mountAction("keep the lab's mounts to itself",
		mountStep("mount --bind "+Dir+" "+Dir, Dir, Dir, "", unix.MS_BIND),
		mountStep("mount --make-private "+Dir, "", Dir, "", unix.MS_PRIVATE)), nil)
}

// makeProp mounts the propagation tmpfs in a peer group of its own.
func (b *builder) makeProp() error {
	if err := b.record(func(s *State) { s.Dirs = append(s.Dirs, PropDir); s.Mounts = append(s.Mounts, PropDir) }); err != nil {
		return err
	}
	if err := os.Mkdir(PropDir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("make %s: %w", PropDir, err)
	}
	return b.run(mountAction("a tmpfs in a peer group of its own",
		mountStep("mount -t tmpfs lab-prop "+PropDir, "lab-prop", PropDir, "tmpfs", 0),
		mountStep("mount --make-shared "+PropDir, "", PropDir, "", unix.MS_SHARED)), nil)
}

// mountAction is an action of mount steps, undone by Down.
func mountAction(description string, steps ...actions.Step) *actions.Action {
	return &actions.Action{Description: description, Steps: steps}
}

// mountStep is one mount(2) call.
func mountStep(command, source, target, fstype string, flags uintptr) actions.Step {
	return actions.Step{Command: command, Do: func() error {
		if err := unix.Mount(source, target, fstype, flags, ""); err != nil {
			return fmt.Errorf("%s: %w", command, err)
		}
		return nil
	}}
}

// makeNetns makes a network namespace persisted at /run/netns/name, with
// no process in it, as ip netns add does.
func (b *builder) makeNetns(name string) error {
	path, err := actions.NetnsPath(name)
	if err != nil {
		return err
	}
	if err := b.record(func(s *State) { s.Netns = append(s.Netns, path) }); err != nil {
		return err
	}
	return b.run(actions.AddNetns(name))
}

// startKeeper starts the keeper: in a mount namespace of its own, a peer
// of the host's for PropDir, with a uts namespace held by a descriptor.
func (b *builder) startKeeper() error {
	_, err := b.start(Keeper, "unshare --mount --propagation unchanged sh -c 'unshare --uts sh -c \"hostname "+HeldHostname+"; exec sleep infinity\" & sleep 1; exec 3</proc/$!/ns/uts; kill $!; exec sleep infinity' &", func() (*os.Process, error) {
		return startProcess(roleKeeper, Keeper, &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWNS})
	})
	return err
}

// start prints command and starts a lab process that stays, recorded in
// the state.
func (b *builder) start(name, command string, start func() (*os.Process, error)) (actions.Target, error) {
	if b.opts.Log != nil {
		fmt.Fprintf(b.opts.Log, "# %s\n", command)
	}
	p, err := start()
	if err != nil {
		return actions.Target{}, err
	}
	target, err := actions.TargetPID(p.Pid)
	if err != nil {
		_ = killProc(p.Pid)
		return target, err
	}
	if err := b.record(func(s *State) { s.Procs = append(s.Procs, Proc{name, p.Pid, target.StartTime}) }); err != nil {
		_ = killProc(p.Pid)
		return target, err
	}
	return target, nil
}
