package letters

// This is the only file that knows the PDF library. It draws a document
// (content.go) on A4 pages; to swap the library, rewrite this file.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jung-kurt/gofpdf"
)

const (
	pageW, pageH = 210.0, 297.0 // A4, mm
	margin       = 20.0
	contentW     = pageW - 2*margin
	footerBase   = pageH - 12 // the footer's last line ends here
	ptMM         = 25.4 / 72  // one point in mm
)

// pdfStyle sizes a letter: standard print, or large print for a person who
// asks for it (18 pt and up, as large print guidance recommends).
type pdfStyle struct {
	body, h1, h2, meta, footer float64 // points
	leading                    float64 // line height, as a multiple of the size
	labelW, metaLabelW         float64 // mm: width of row labels
	indent                     float64 // mm: lists, quotes and important notes
	gap                        float64 // mm: after a paragraph
}

var (
	standardPrint = pdfStyle{body: 12, h1: 17, h2: 13.5, meta: 10, footer: 8.5, leading: 1.4, labelW: 52, metaLabelW: 36, indent: 6, gap: 3}
	largePrint    = pdfStyle{body: 18, h1: 24, h2: 20, meta: 18, footer: 14, leading: 1.35, labelW: 64, metaLabelW: 64, indent: 8, gap: 4.5}
)

// The page follows GOV.UK Notify's precompiled letter specification, so any
// letter can be posted through it in a window envelope: nothing is drawn
// outside the printable area (15 mm from each side, 5 mm from the top and
// bottom); on the first page, above the body (which starts 95 mm down) there
// is only the logo area (top left, to 30 mm down), the service's column (top
// right, from 125 mm across) and the address window.
const (
	printLeft, printRight = 15.0, pageW - 15.0
	printTop              = 5.0
	bodyTop               = 96.0 // the body starts at 95 mm; 1 mm spare
	logoBottom            = 30.0
	serviceLeft           = 125.0
	// The address window: 24.6 to 120 mm across, 39.5 to 66.3 mm down.
	addrLeft, addrRight = 24.6, 120.0
	addrTop, addrBottom = 39.5, 66.3
	addrSize, addrLineH = 9.0, 3.7 // points, mm: seven lines fit the window
	// MaxAddressLines is the most lines a postal address may have.
	MaxAddressLines = 7
)

// metaX is where the date and references start, in the service's column.
const metaX = serviceLeft + 2

var (
	ink  = rgb{11, 12, 12} // near-black body text
	grey = rgb{80, 90, 95} // footer
	bar  = rgb{11, 12, 12} // beside important notes
	rule = rgb{177, 180, 182}
)

type rgb struct{ r, g, b int }

type pdfWriter struct {
	f     *gofpdf.Fpdf
	st    pdfStyle
	d     *document
	brand rgb
	y     float64
	// The font text is measured and drawn in: "" or "B", and a size in
	// points. Each run of text picks the encoding it needs (encoding.go).
	style string
	size  float64
	added map[string]bool // encodings of a style added to this document
}

// pdfFont is one embedded font as gofpdf takes it: for each encoding, a
// definition (JSON, as its AddFontFromBytes reads) and a compressed font
// file with outlines for that encoding's glyphs only. All of it is made
// once, at start-up.
type pdfFont struct {
	info  *fontInfo
	defs  [][]byte
	files [][]byte
}

var pdfFonts = map[string]*pdfFont{"": newPDFFont(regular, "DejaVuSans"), "B": newPDFFont(bold, "DejaVuSans-Bold")}

// fontDef mirrors gofpdf's font definition file (what its makefont writes).
type fontDef struct {
	Tp           string
	Name         string
	Desc         gofpdf.FontDescType
	Up, Ut       int
	Cw           []int
	Enc, Diff    string
	File         string
	Size1, Size2 int
	OriginalSize int
}

func newPDFFont(info *fontInfo, name string) *pdfFont {
	desc := gofpdf.FontDescType{
		Ascent: info.Ascent, Descent: info.Descent, CapHeight: info.CapHeight,
		// Nonsymbolic: viewers map each code through the encoding's glyph
		// names to Unicode, then to a glyph through the font's own cmap.
		Flags:       gofpdf.FontFlagNonsymbolic,
		ItalicAngle: info.ItalicAngle, StemV: info.StemV, MissingWidth: info.MissingWidth,
	}
	if info.FixedPitch {
		desc.Flags |= gofpdf.FontFlagFixedPitch
	}
	desc.FontBBox.Xmin, desc.FontBBox.Ymin, desc.FontBBox.Xmax, desc.FontBBox.Ymax = info.XMin, info.YMin, info.XMax, info.YMax
	p := &pdfFont{info: info}
	for e, enc := range encodings {
		cw := make([]int, 256)
		var runes []rune
		for c := 0x20; c < 0x7F; c++ {
			cw[c] = int(info.Width[c])
			runes = append(runes, rune(c))
		}
		runes = append(runes, enc...)
		cut, err := cutFont(info, runes)
		if err != nil {
			panic(fmt.Sprintf("letters: cutting %s: %v", name, err))
		}
		p.files = append(p.files, compress(cut))
		var diff strings.Builder
		diff.WriteString(strconv.Itoa(firstCode))
		for i, r := range enc {
			cw[firstCode+i] = int(info.Width[r])
			fmt.Fprintf(&diff, " /uni%04X", r) // the Adobe Glyph List's name for any code point
		}
		def, err := json.Marshal(fontDef{
			Tp: "TrueType",
			// The tag marks an embedded subset, as PDF asks.
			Name: "KITHLT+" + info.PostScriptName,
			Desc: desc, Up: info.UnderlinePosition, Ut: info.UnderlineThick,
			Cw: cw, Diff: diff.String(), File: fmt.Sprintf("%s-%d.z", name, e), OriginalSize: len(cut),
		})
		if err != nil {
			panic(err)
		}
		p.defs = append(p.defs, def)
	}
	return p
}

func renderPDF(d *document) ([]byte, error) {
	st := standardPrint
	if d.Large {
		st = largePrint
	}
	w := newPDFWriter(d, st)
	w.opening()
	for i, s := range d.Sections {
		// The sign-off never starts a page alone: the end of the section
		// before it goes with it.
		var next *section
		if i == len(d.Sections)-2 && d.Sections[i+1].Heading.empty() {
			next = &d.Sections[i+1]
		}
		w.section(s, next)
	}
	return w.output()
}

// newPDFWriter starts a document in a style, with its first page begun.
func newPDFWriter(d *document, st pdfStyle) *pdfWriter {
	f := gofpdf.New("P", "mm", "A4", "")
	// Reproducible output: sorted resource catalogues and dates from the
	// letter, not the clock.
	f.SetCatalogSort(true)
	f.SetCreationDate(d.Date)
	f.SetModificationDate(d.Date)
	f.SetTitle(d.Title, true)
	f.SetAuthor(oneLine(d.Site.Name), true) // metadata is UTF-16, not drawn: any script will do
	f.SetCreator("Kith", false)
	f.SetMargins(margin, margin, margin)
	f.SetCellMargin(0)
	// Page breaks are ours, so a heading never ends a page alone.
	f.SetAutoPageBreak(false, 0)
	f.AliasNbPages("{nb}")

	w := &pdfWriter{f: f, st: st, d: d, brand: parseColour(d.Site.Colour), added: map[string]bool{}}
	f.SetHeaderFunc(w.header)
	f.SetFooterFunc(w.footer)
	f.AddPage()
	return w
}

// picture draws a PNG as a square of side size mm at (x, y); a picture
// used twice is embedded once, under its name.
func (w *pdfWriter) picture(name string, png []byte, x, y, size float64) {
	opts := gofpdf.ImageOptions{ImageType: "PNG"}
	if w.f.GetImageInfo(name) == nil {
		w.f.RegisterImageOptionsReader(name, opts, bytes.NewReader(png))
	}
	w.f.ImageOptions(name, x, y, size, size, false, opts, 0, "")
}

// greyText draws one line of small print, such as a credit, in the
// footer's grey.
func (w *pdfWriter) greyText(x, width float64, s string) {
	w.f.SetTextColor(grey.r, grey.g, grey.b)
	w.text(x, w.y, width, w.lineH(w.size), s, "L")
}

// err is the first error the library met drawing the document.
func (w *pdfWriter) err() error { return w.f.Error() }

func (w *pdfWriter) output() ([]byte, error) {
	var buf bytes.Buffer
	if err := w.f.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// header draws the site's colour band: full on the first page, slim after.
func (w *pdfWriter) header() {
	defer w.keepFont()()
	f := w.f
	fg := onColour(w.brand)
	// The band stays inside the printable area: on the first page within
	// the logo area and the service's column.
	bottom, size := logoBottom-2, 18.0
	if f.PageNo() > 1 {
		bottom, size = printTop+9, 10
	}
	f.SetFillColor(w.brand.r, w.brand.g, w.brand.b)
	f.Rect(printLeft, printTop, printRight-printLeft, bottom-printTop, "F")
	f.SetTextColor(fg.r, fg.g, fg.b)
	// A long site name gets a smaller size before it is ever cut short.
	name := w.d.SiteName.pdfString()
	for w.setFont("B", size); size > 11 && w.width(name) > contentW-45; size-- {
		w.setFont("B", size-1)
	}
	w.text(margin, printTop, contentW-45, bottom-printTop, w.fit(name, contentW-45), "LM")
	if w.d.Marking != "" {
		w.setFont("B", 8.5)
		w.text(margin, printTop, contentW, bottom-printTop, w.d.Marking, "RM")
	}
	w.y = bottom + 9
}

func (w *pdfWriter) footer() {
	defer w.keepFont()()
	f := w.f
	var parts []string
	if w.d.Marking != "" {
		parts = append(parts, w.d.Marking)
	}
	parts = append(parts, w.d.SiteName.pdfString())
	if w.d.Reference != "" {
		parts = append(parts, "Reference "+free(w.d.Reference).pdfString())
	}
	size, lh := w.st.footer, w.footerH()
	y := footerBase - lh
	f.SetDrawColor(rule.r, rule.g, rule.b)
	f.SetLineWidth(0.2)
	f.Line(margin, y-2, pageW-margin, y-2)
	f.SetTextColor(grey.r, grey.g, grey.b)
	w.setFont("", size)
	pageWidth := w.width("Page 99 of 99")
	w.text(margin, y, contentW-pageWidth-4, lh, w.fit(strings.Join(parts, "  ·  "), contentW-pageWidth-4), "L")
	// The page count is filled in when the letter is finished; the number
	// is right-aligned as if the count had as many digits as this page's.
	n := strconv.Itoa(f.PageNo())
	pw := w.width("Page " + n + " of " + n)
	w.text(pageW-margin-pw, y, pw, lh, "Page "+n+" of {nb}", "L")
}

// opening draws the address in the envelope window, the date and
// references in the service's column beside it (in large print, or when
// they do not fit there, at the start of the body), and the title.
func (w *pdfWriter) opening() {
	st := w.st
	w.address()
	w.y = bodyTop
	if !w.d.Large && w.stackedHeight(w.d.Meta) <= bodyTop-2-(logoBottom+3) {
		w.y = logoBottom + 3
		w.stacked(metaX, printRight-metaX, st.meta, w.d.Meta)
		w.y = bodyTop
	} else {
		w.rows(margin, contentW, st.metaLabelW, st.meta, w.d.Meta)
		w.y += 6
	}
	w.lines(margin, contentW, w.d.Heading.pdfString(), "B", st.h1)
	w.f.SetFillColor(w.brand.r, w.brand.g, w.brand.b)
	w.f.Rect(margin, w.y+1, 24, 1.2, "F")
	w.y += 7
}

// address draws the recipient's lines inside the window, each on one line:
// a line too wide for the window at the address size is set smaller.
func (w *pdfWriter) address() {
	y := addrTop + 1.5
	width := addrRight - 1 - (addrLeft + 1.5)
	for _, t := range w.d.Recipient {
		line := t.pdfString()
		size := addrSize
		for w.setFont("", size); size > 6.5 && w.width(line) > width; size -= 0.5 {
			w.setFont("", size-0.5)
		}
		w.f.SetTextColor(ink.r, ink.g, ink.b)
		w.text(addrLeft+1.5, y, width, addrLineH, w.fit(line, width), "L")
		y += addrLineH
	}
}

// stackedHeight is how tall stacked rows are.
func (w *pdfWriter) stackedHeight(rs []row) float64 {
	h := 0.0
	for _, r := range rs {
		if r.HTMLOnly {
			continue
		}
		n := 1
		w.setFont("", w.st.meta)
		for _, t := range r.Value {
			n += len(w.wrap(t.pdfString(), printRight-metaX))
		}
		h += float64(n)*w.lineH(w.st.meta) + 1.5
	}
	return h
}

// stacked draws rows as a label with its value under it, for a narrow
// column.
func (w *pdfWriter) stacked(x, width, size float64, rs []row) {
	for _, r := range rs {
		if r.HTMLOnly {
			continue
		}
		w.setFont("B", size)
		w.cell(x, width, w.fit(r.Label, width), size)
		w.setFont("", size)
		for _, t := range r.Value {
			for _, l := range w.wrap(t.pdfString(), width) {
				w.cell(x, width, l, size)
			}
		}
		w.y += 1.5
	}
}

// section draws a section; keepWith, when set, is a section that its last
// block must share a page with.
func (w *pdfWriter) section(s section, keepWith *section) {
	st := w.st
	if !s.Heading.empty() {
		w.y += st.gap + 2
		// Keep the heading with the first line of what follows.
		w.ensure(w.lineH(st.h2) + w.lineH(st.body) + 2)
		w.lines(margin, contentW, s.Heading.pdfString(), "B", st.h2)
		w.y += 1.5
	}
	for i, b := range s.Blocks {
		if keepWith != nil && i == len(s.Blocks)-1 {
			h := w.height(b)
			for _, c := range keepWith.Blocks {
				h += w.height(c)
			}
			if h < (w.bottom()-margin)/2 {
				w.ensure(h)
			}
		}
		// An introduction ("To help you take part, we have arranged:")
		// stays with the first line of the list or quote it introduces.
		if b.Kind == paraBlock && i+1 < len(s.Blocks) && s.Blocks[i+1].Kind != paraBlock {
			w.ensure(w.height(b) + w.lineH(st.body))
		}
		// A subheading keeps at least two lines of what it heads.
		if b.Kind == subheadBlock {
			w.ensure(w.height(b) + 2*w.lineH(st.body))
		}
		w.block(b)
	}
}

// height is how much room a block takes, measured as block draws it.
func (w *pdfWriter) height(b block) float64 {
	st := w.st
	width, style := contentW, ""
	switch b.Kind {
	case rowsBlock:
		return 0 // rows keep themselves together, one by one
	case importantBlock:
		width, style = contentW-st.indent, "B"
	case subheadBlock:
		style = "B"
	case quoteBlock, listBlock:
		width = contentW - st.indent
	}
	w.setFont(style, st.body)
	n := 0
	for _, t := range b.Lines {
		n += len(w.wrap(t.pdfString(), width))
	}
	return float64(n)*w.lineH(st.body) + st.gap
}

func (w *pdfWriter) block(b block) {
	st := w.st
	switch b.Kind {
	case paraBlock:
		// A paragraph's lines (an address, a sign-off) stay together too.
		w.setFont("", st.body)
		var wrapped []string
		for _, t := range b.Lines {
			wrapped = append(wrapped, w.wrap(t.pdfString(), contentW)...)
		}
		w.keepTogether(len(wrapped), st.body)
		for _, line := range wrapped {
			w.ensure(w.lineH(st.body))
			w.cell(margin, contentW, line, st.body)
		}
	case importantBlock, quoteBlock:
		style, colour := "B", bar
		if b.Kind == quoteBlock {
			style, colour = "", w.brand
		}
		for i, t := range b.Lines {
			if i > 0 {
				w.y += st.gap / 2
			}
			w.setFont(style, st.body)
			wrapped := w.wrap(t.pdfString(), contentW-st.indent)
			w.keepTogether(len(wrapped), st.body)
			for _, line := range wrapped {
				w.ensure(w.lineH(st.body))
				w.f.SetFillColor(colour.r, colour.g, colour.b)
				w.f.Rect(margin, w.y, 1.2, w.lineH(st.body), "F")
				w.cell(margin+st.indent, contentW-st.indent, line, st.body)
			}
		}
	case listBlock:
		for _, t := range b.Lines {
			w.setFont("", st.body)
			wrapped := w.wrap(t.pdfString(), contentW-st.indent)
			w.keepTogether(len(wrapped), st.body)
			for i, line := range wrapped {
				w.ensure(w.lineH(st.body))
				if i == 0 {
					w.text(margin+1, w.y, st.indent, w.lineH(st.body), "•", "L")
				}
				w.cell(margin+st.indent, contentW-st.indent, line, st.body)
			}
			w.y += 1
		}
	case rowsBlock:
		w.rows(margin, contentW, st.labelW, st.body, b.Rows)
	case subheadBlock:
		w.y += st.gap / 2
		w.lines(margin, contentW, b.Lines[0].pdfString(), "B", st.body)
		w.y += 1
		return
	}
	w.y += st.gap
}

// rows draws label and value pairs in two columns.
func (w *pdfWriter) rows(x, width, labelW, size float64, rs []row) {
	lh := w.lineH(size)
	for _, r := range rs {
		if r.HTMLOnly {
			continue
		}
		w.setFont("B", size)
		label := w.wrap(r.Label, labelW-3)
		w.setFont("", size)
		var value []string
		for _, t := range r.Value {
			value = append(value, w.wrap(t.pdfString(), width-labelW)...)
		}
		n := max(len(label), len(value))
		if float64(n)*lh < w.bottom()-margin-20 {
			w.ensure(float64(n) * lh)
		}
		y := w.y
		w.setFont("B", size)
		for _, l := range label {
			w.cell(x, labelW-3, l, size)
		}
		w.y = y
		w.setFont("", size)
		for _, l := range value {
			w.ensure(lh)
			w.cell(x+labelW, width-labelW, l, size)
		}
		w.y = max(w.y, y+float64(len(label))*lh) + 1
	}
}

// lines wraps s to width and draws it, breaking pages as needed.
func (w *pdfWriter) lines(x, width float64, s, style string, size float64) {
	w.setFont(style, size)
	wrapped := w.wrap(s, width)
	w.keepTogether(len(wrapped), size)
	for _, line := range wrapped {
		w.ensure(w.lineH(size))
		w.cell(x, width, line, size)
	}
}

func (w *pdfWriter) cell(x, width float64, s string, size float64) {
	w.f.SetTextColor(ink.r, ink.g, ink.b)
	w.text(x, w.y, width, w.lineH(size), s, "L")
	w.y += w.lineH(size)
}

// setFont sets the style and size that text is measured and drawn in.
func (w *pdfWriter) setFont(style string, size float64) { w.style, w.size = style, size }

// keepFont saves the font for a page's header or footer to put back, as
// they are drawn in the middle of other text when a page breaks.
func (w *pdfWriter) keepFont() func() {
	style, size := w.style, w.size
	return func() { w.style, w.size = style, size }
}

func (w *pdfWriter) font() *pdfFont { return pdfFonts[w.style] }

// width is s's width in mm in the current font.
func (w *pdfWriter) width(s string) float64 {
	return float64(textWidth(s, w.font().info)) * w.size * ptMM / 1000
}

// text draws s in a box at (x, y) of the given width and height, aligned
// as align says ("L" or "R", with "M" to centre it vertically), one run of
// text per encoding.
func (w *pdfWriter) text(x, y, width, h float64, s, align string) {
	font := w.font()
	rs := runs(s, font.info)
	scale := w.size * ptMM / 1000
	if strings.Contains(align, "R") {
		total := 0
		for _, r := range rs {
			total += r.width
		}
		x += width - float64(total)*scale
	}
	valign := ""
	if strings.Contains(align, "M") {
		valign = "M"
	}
	for _, r := range rs {
		family := "dejavu" + strconv.Itoa(r.enc)
		if key := family + w.style; !w.added[key] {
			w.f.AddFontFromBytes(family, w.style, font.defs[r.enc], font.files[r.enc])
			w.added[key] = true
		}
		w.f.SetFont(family, w.style, w.size)
		w.f.SetXY(x, y)
		rw := float64(r.width) * scale
		w.f.CellFormat(rw, h, string(r.codes), "", 0, "L"+valign, false, 0, "")
		x += rw
	}
}

func (w *pdfWriter) lineH(size float64) float64 { return size * ptMM * w.st.leading }

// keepTogether moves a paragraph of n lines to the next page rather than
// leave a line or two of it alone at the foot or head of a page: short
// paragraphs stay whole, longer ones keep at least two lines each side.
func (w *pdfWriter) keepTogether(n int, size float64) {
	if n <= 5 {
		w.ensure(float64(n) * w.lineH(size))
		return
	}
	w.ensure(2 * w.lineH(size))
	if room := int((w.bottom() - w.y) / w.lineH(size)); room < n && n-room < 2 {
		w.ensure(float64(n) * w.lineH(size)) // would leave one line over
	}
}

func (w *pdfWriter) footerH() float64 { return w.st.footer * ptMM * 1.3 }

// bottom is where content must stop, clear of the footer and its rule.
func (w *pdfWriter) bottom() float64 { return footerBase - w.footerH() - 7 }

// ensure starts a new page unless h more millimetres fit on this one.
func (w *pdfWriter) ensure(h float64) {
	if w.y+h > w.bottom() {
		w.f.AddPage() // runs header, which moves w.y below the band
	}
}

// wrap breaks s into lines no wider than width in the current font. Widths
// add up (the library does no kerning), so each word is measured once.
func (w *pdfWriter) wrap(s string, width float64) []string {
	space := w.width(" ")
	var out []string
	line, lineW := "", 0.0
	for _, word := range strings.Split(s, " ") {
		ww := w.width(word)
		if line != "" && lineW+space+ww <= width {
			line, lineW = line+" "+word, lineW+space+ww
			continue
		}
		if line != "" {
			out = append(out, line)
		}
		// A word wider than the line (a long link) is broken where it must be.
		for ww > width {
			head := w.fit(word, width)
			out = append(out, head)
			word = word[len(head):]
			ww = w.width(word)
		}
		line, lineW = word, ww
	}
	return append(out, line)
}

// fit returns the longest prefix of s (at least one character) no wider
// than width, ending after a break character of a link or an email address
// ("@", "/", "?", "&", "=", "-", ".") where there is one.
func (w *pdfWriter) fit(s string, width float64) string {
	total, soft := 0.0, 0
	for i, r := range s {
		drawn, _ := lookup(r, w.font().info)
		total += float64(w.font().info.Width[drawn]) * w.size * ptMM / 1000
		if total > width && i > 0 {
			if soft > 0 {
				return s[:soft]
			}
			return s[:i]
		}
		if strings.ContainsRune("@/?&=-.", r) {
			soft = i + 1
		}
	}
	return s
}

func parseColour(hex string) rgb {
	v, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32) // validated already
	return rgb{int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)}
}

// onColour picks white or near-black text for the band, whichever contrasts
// more with the site's colour (WCAG relative luminance), so a pale brand
// colour still gives a readable site name.
func onColour(c rgb) rgb {
	lum := func(c rgb) float64 {
		ch := func(v int) float64 {
			s := float64(v) / 255
			if s <= 0.04045 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(c.r) + 0.7152*ch(c.g) + 0.0722*ch(c.b)
	}
	l := lum(c)
	if (1.05)/(l+0.05) >= (l+0.05)/(lum(ink)+0.05) {
		return rgb{255, 255, 255}
	}
	return ink
}
