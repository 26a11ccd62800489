//go:build !unix

package broker

import (
	"os"
	"path/filepath"
)

// lockDir holds the lock file open; only Unix systems lock it.
func lockDir(dir string) (*os.File, error) {
	return os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o644)
}
