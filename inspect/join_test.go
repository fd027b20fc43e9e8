package inspect

import "github.com/nsdive/nsdive/internal/inside"

// joinOnce returns a joinFunc that joins a namespace of type t on a
// throwaway thread per call (inside.Run), for tests of one reader.
func joinOnce(t Type) joinFunc {
	return func(nsPath string, fn func() error) error {
		return inside.Run(nsPath, t.CloneFlag(), fn)
	}
}
