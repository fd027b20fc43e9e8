package actions

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nsdive/nsdive/inspect"
)

// checkPersist checks the files that unshare is to persist new namespaces
// at, before anything is made, and returns them with absolute paths.
func checkPersist(specs []PersistSpec, fork bool) ([]PersistSpec, error) {
	var out []PersistSpec
	seen := map[string]bool{}
	types := map[inspect.Type]bool{}
	for _, spec := range specs {
		path, err := filepath.Abs(spec.Path)
		if err != nil {
			return nil, fmt.Errorf("--persist %s=%s: %w", spec.Type, spec.Path, err)
		}
		switch {
		case seen[path]:
			return nil, fmt.Errorf("%s is given twice: one namespace per file", path)
		case types[spec.Type]:
			return nil, fmt.Errorf("--persist %s is given twice: there is one new %s namespace", spec.Type, spec.Type)
		case spec.Type == inspect.PID && !fork:
			return nil, errors.New("--persist pid=FILE needs --fork: a new pid namespace exists once its first process does")
		}
		seen[path], types[spec.Type] = true, true
		if _, err := lstat(path); err == nil {
			return nil, existsError(path)
		}
		if dir := filepath.Dir(path); dir != NetnsDir {
			if err := checkDir(dir); err != nil {
				return nil, err
			}
		}
		out = append(out, PersistSpec{Type: spec.Type, Path: path})
	}
	return out, nil
}

// persistAction bind-mounts each new namespace of ns (descriptors by
// CLONE_NEW* flag, which the child handed over) at its file, each created
// exclusively and never through a symlink.
func persistAction(specs []PersistSpec, ns map[int]*os.File) *Action {
	a := &Action{Description: "persist the new namespaces"}
	netnsDirDone := false
	for _, spec := range specs {
		if filepath.Dir(spec.Path) == NetnsDir && !netnsDirDone {
			steps, err := netnsDirSteps()
			if err != nil {
				a.Steps = append(a.Steps, failStep(err))
				continue
			}
			a.Steps = append(a.Steps, steps...)
			netnsDirDone = true
		}
		a.Steps = append(a.Steps, bindNewSteps(spec, ns[spec.Type.CloneFlag()])...)
	}
	return a
}

// failStep is a step that fails with err, for a check that could be
// made only once the namespaces existed.
func failStep(err error) Step { return Step{Do: func() error { return err }} }

// bindNewSteps create the file of spec and bind-mount the namespace open
// at nsFile on it.
func bindNewSteps(spec PersistSpec, nsFile *os.File) []Step {
	file := &persistFile{path: spec.Path}
	mount := Step{
		Command: fmt.Sprintf("mount --bind /proc/PID/ns/%s %s", spec.Type, spec.Path),
		Do: func() error {
			defer file.close()
			if nsFile == nil {
				return fmt.Errorf("the child did not hand over its new %s namespace", spec.Type)
			}
			return needRoot(wrapErr("bind-mount the new "+spec.Type.String()+" namespace at "+spec.Path, file.bind(int(nsFile.Fd()))))
		},
		Undo: file.unmount,
	}
	return []Step{file.createStep(), mount}
}
