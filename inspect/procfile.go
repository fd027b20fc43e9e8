package inspect

import (
	"fmt"
	"os"
)

// readParsed reads a /proc file and parses it, naming the path in either
// error. os.ReadFile reads to EOF, so the size procfs reports (0) is not
// trusted.
func readParsed[T any](path string, parse func([]byte) (T, error)) (T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("read %s: %w", path, err)
	}
	v, err := parse(data)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}
