package letters

// This file lays out the easy read letter with pdf.go's writer (its
// opening, header, footer, text and pictures); like every file but pdf.go,
// it never touches the PDF library itself.

const (
	pictureSize = 30.0 // mm: a picture beside each idea
	pictureGap  = 8.0  // mm between the picture and its words
)

// easyReadStyle is the style of an easy read letter with body text of the
// given size in points.
func easyReadStyle(points float64) pdfStyle {
	return pdfStyle{
		body: points, h1: points + 8, h2: points + 4, meta: points, footer: 12, leading: 1.4,
		labelW: 70, metaLabelW: 70, indent: 8, gap: 7,
	}
}

func renderEasyRead(d *easyDocument) ([]byte, error) {
	w := newPDFWriter(d.document, easyReadStyle(d.Points))
	w.opening()
	for _, r := range d.Rows {
		if err := w.pictureRow(r); err != nil {
			return nil, err
		}
	}
	st := w.st
	w.y += st.gap
	w.keepTogether(len(d.SignOff), st.body)
	for i, t := range d.SignOff {
		style := ""
		if i == 1 {
			style = "B"
		}
		w.lines(margin, contentW, t.pdfString(), style, st.body)
	}
	w.y += st.gap
	w.setFont("", st.footer)
	w.ensure(w.lineH(st.footer))
	w.greyText(margin, contentW, pictureCredit)
	return w.output()
}

// pictureRow draws one idea: its picture on the left, its lines beside it,
// kept together on one page.
func (w *pdfWriter) pictureRow(r easyRow) error {
	st := w.st
	x := margin + pictureSize + pictureGap
	width := contentW - pictureSize - pictureGap
	type line struct {
		s, style string
	}
	var lines []line
	if !r.Heading.empty() {
		w.setFont("B", st.body)
		for _, l := range w.wrap(r.Heading.pdfString(), width) {
			lines = append(lines, line{l, "B"})
		}
	}
	w.setFont("", st.body)
	for _, t := range r.Lines {
		for _, l := range w.wrap(t.pdfString(), width) {
			lines = append(lines, line{l, ""})
		}
	}
	textH := float64(len(lines)) * w.lineH(st.body)
	w.ensure(max(pictureSize, textH))
	png, err := pictureFiles.ReadFile("pictures/" + r.Picture + ".png")
	if err != nil {
		return err
	}
	top := w.y
	w.picture("picture-"+r.Picture, png, margin, top, pictureSize)
	// Short text sits level with the middle of its picture.
	if textH < pictureSize {
		w.y = top + (pictureSize-textH)/2
	}
	for _, l := range lines {
		w.setFont(l.style, st.body)
		w.ensure(w.lineH(st.body))
		w.cell(x, width, l.s, st.body)
	}
	w.y = max(w.y, top+pictureSize) + st.gap
	return w.err()
}
