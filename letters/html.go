package letters

import (
	"bytes"
	_ "embed"
	"html/template"
)

// The HTML twin has no style attribute and no <style> element: the service's
// Content-Security-Policy forbids inline styles. It is semantic markup with
// classes, and a stylesheet link when the caller gives one.
//
//go:embed letter.html.tmpl
var letterTemplate string

// letterHTML is parsed once, at start-up, so a broken template fails fast.
// html/template escapes every value.
var letterHTML = template.Must(template.New("letter").Parse(letterTemplate))

type htmlPage struct {
	*document
	Stylesheet string
}

func renderHTML(d *document, o HTMLOptions) ([]byte, error) {
	var buf bytes.Buffer
	if err := letterHTML.Execute(&buf, htmlPage{document: d, Stylesheet: o.StylesheetURL}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Type names a block's kind for the template.
func (b block) Type() string {
	return [...]string{paraBlock: "para", importantBlock: "important", quoteBlock: "quote", listBlock: "list", rowsBlock: "rows", subheadBlock: "subhead"}[b.Kind]
}

// CSS is a stylesheet for the HTML twin, for the web layer to serve (at a
// content-hashed URL) and pass in as HTMLOptions.StylesheetURL.
//
//go:embed letter.css
var CSS []byte
