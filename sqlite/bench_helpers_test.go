package sqlite

import "os"

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "kith-bench-") }
