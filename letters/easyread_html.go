package letters

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io/fs"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/person"
)

//go:embed easyread.html.tmpl
var easyReadTemplate string

// easyReadHTML shares the person letter's "text" and "row" templates and is
// parsed once, at start-up.
var easyReadHTML = template.Must(template.Must(letterHTML.Clone()).New("easyread").Parse(easyReadTemplate))

// Pictures are the easy read pictures (name.png), for the web layer to
// serve at EasyReadOptions.PicturesURL.
var Pictures = func() fs.FS {
	sub, err := fs.Sub(pictureFiles, "pictures")
	if err != nil {
		panic(err)
	}
	return sub
}()

// EasyReadOptions are choices for the easy read letter's HTML twin.
type EasyReadOptions struct {
	HTMLOptions
	// PicturesURL, when set, is where Pictures are served: a path or URL
	// ending in "/", each picture at PicturesURL + name + ".png". Without
	// it the page has the words alone, which say everything the pictures
	// do.
	PicturesURL string
}

type easyReadPage struct {
	*easyDocument
	Stylesheet, Pictures, Credit string
}

// EasyReadHTML renders the easy read letter's accessible HTML twin: the
// same content as EasyReadPDF, each idea a section with its picture (alt
// text empty: the words beside it say the same, and a screen reader should
// not read them twice) and its lines a paragraph each.
func EasyReadHTML(l Letter, needs person.Needs, o EasyReadOptions) ([]byte, error) {
	if l.Kind != KindPerson {
		return nil, kith.Invalid(kith.FieldError{Field: "kind", Message: "must be person: only the person letter has an easy read version"})
	}
	if err := validate(l); err != nil {
		return nil, err
	}
	if err := o.HTMLOptions.validate(); err != nil {
		return nil, err
	}
	if o.PicturesURL != "" && (!isWebURL(o.PicturesURL, true) || o.PicturesURL[len(o.PicturesURL)-1] != '/') {
		return nil, kith.Invalid(kith.FieldError{Field: "pictures_url", Message: "must be a path or an http(s) URL ending in /"})
	}
	var buf bytes.Buffer
	page := easyReadPage{easyDocument: buildEasyRead(l, needs), Stylesheet: o.StylesheetURL, Pictures: o.PicturesURL, Credit: pictureCredit}
	if err := easyReadHTML.ExecuteTemplate(&buf, "easyread", page); err != nil {
		return nil, fmt.Errorf("letters: render easy read HTML: %w", err)
	}
	return buf.Bytes(), nil
}
