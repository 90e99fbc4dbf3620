package pathways

import (
	_ "embed"
	"fmt"
)

//go:embed default.json
var defaultDocument []byte

// DefaultDocument returns the default pathway's document.
func DefaultDocument() []byte { return append([]byte(nil), defaultDocument...) }

// Default compiles the default pathway. It is checked by the tests, so an
// error here is a programming error.
func Default() (*Pathway, error) {
	d, err := ParseDocument(defaultDocument)
	if err != nil {
		return nil, fmt.Errorf("default pathway: %w", err)
	}
	return Compile(d, nil)
}
