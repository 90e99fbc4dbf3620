package web

import (
	"net/url"

	"github.com/kith-project/kith/screening"
)

// FormScreeningForTest parses a form into a request and, when it parses,
// scores it, for the form fuzz test.
func FormScreeningForTest(v url.Values) {
	req, errs := requestFromForm(formState(v))
	if len(errs) == 0 {
		_, _ = screening.Assess(req, screening.Options{})
	}
}
