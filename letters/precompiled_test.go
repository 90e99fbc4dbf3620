package letters

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jung-kurt/gofpdf"
)

// GOV.UK Notify's precompiled letter rules, as its letter checker applies
// them (notifications-template-preview's precompiled validation), written
// here from its published numbers independently of the renderer's own
// constants, in millimetres from the page's top left.
const (
	nA4W, nA4H                  = 210.0, 297.0
	nBorderLeft, nBorderRight   = 15.0, 195.0
	nBorderTop, nBorderBottom   = 5.0, 292.0
	nBodyTop                    = 95.0
	nServiceLeft, nServiceRight = 125.0, 195.0
	nLogoRight, nLogoBottom     = 125.0, 30.0
	nAddrLeft, nAddrRight       = 24.6, 120.0
	nAddrTop, nAddrBottom       = 39.5, 66.3
	nMaxPages                   = 10
	nMaxBytes                   = 2 << 20
	// Notify is 1 mm generous at every edge of a printable area, for
	// anti-aliased text.
	nSlack = 1.0
)

type mmRect struct{ x1, y1, x2, y2 float64 }

func (r mmRect) has(x, y float64) bool {
	return x >= r.x1-nSlack && x <= r.x2+nSlack && y >= r.y1-nSlack && y <= r.y2+nSlack
}

// printableAreas are the areas a page may have ink in.
func printableAreas(first bool) []mmRect {
	if !first {
		return []mmRect{{nBorderLeft, nBorderTop, nBorderRight, nBorderBottom}}
	}
	return []mmRect{
		{nBorderLeft, nBodyTop, nBorderRight, nBorderBottom}, // body
		{nServiceLeft, nBorderTop, nServiceRight, nBodyTop},  // service's column
		{nBorderLeft, nBorderTop, nLogoRight, nLogoBottom},   // logo
		{nAddrLeft, nAddrTop, nAddrRight, nAddrBottom},       // address window
	}
}

const dpi = 100.0

func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// precompiledProblems checks a PDF as Notify checks a precompiled letter:
// page count, size and orientation, file size, embedded fonts, no ink
// outside the printable areas on any page (pixels of the page rendered as
// an image), and, when postal, the address block's text.
func precompiledProblems(t *testing.T, pdf []byte, postal bool) (problems []string, address []string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "letter.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if len(pdf) > nMaxBytes {
		problems = append(problems, fmt.Sprintf("%d bytes, over 2 MB", len(pdf)))
	}
	info := tool(t, "pdfinfo", "-f", "1", "-l", "99", path)
	pages := 0
	for _, m := range regexp.MustCompile(`(?m)^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts`).FindAllStringSubmatch(info, -1) {
		pages++
		w, _ := strconv.ParseFloat(m[1], 64)
		h, _ := strconv.ParseFloat(m[2], 64)
		if w*25.4/72 < nA4W-2 || w*25.4/72 > nA4W+2 || h*25.4/72 < nA4H-2 || h*25.4/72 > nA4H+2 {
			problems = append(problems, fmt.Sprintf("page %d is %.0f x %.0f pt, not A4 portrait", pages, w, h))
		}
	}
	if pages == 0 || pages > nMaxPages {
		problems = append(problems, fmt.Sprintf("%d pages (at most %d)", pages, nMaxPages))
	}
	for _, line := range strings.Split(tool(t, "pdffonts", path), "\n")[2:] {
		f := strings.Fields(line)
		if len(f) >= 5 && f[len(f)-5] != "yes" {
			problems = append(problems, "font not embedded: "+line)
		}
	}
	tool(t, "pdftoppm", "-r", strconv.Itoa(int(dpi)), "-gray", "-png", path, filepath.Join(dir, "page"))
	for p := 1; p <= pages; p++ {
		problems = append(problems, inkOutside(t, dir, p, pages)...)
	}
	if postal {
		// The address block, with Notify's 3 mm around the window.
		pt := func(mm float64) string { return strconv.Itoa(int(mm * 72 / 25.4)) }
		out := tool(t, "pdftotext", "-f", "1", "-l", "1", "-r", "72", "-x", pt(nAddrLeft-3), "-y", pt(nAddrTop-3),
			"-W", pt(nAddrRight-nAddrLeft+6), "-H", pt(nAddrBottom-nAddrTop+6), "-enc", "UTF-8", path, "-")
		for _, l := range strings.Split(out, "\n") {
			if l = strings.TrimSpace(strings.Trim(l, "\f")); l != "" {
				address = append(address, l)
			}
		}
		if err := CheckPostalAddress(address, "address"); err != nil {
			problems = append(problems, fmt.Sprintf("address block %q: %v", address, err))
		}
	}
	return problems, address
}

func inkOutside(t *testing.T, dir string, p, pages int) []string {
	t.Helper()
	name := fmt.Sprintf("page-%d.png", p)
	if pages >= 10 {
		name = fmt.Sprintf("page-%02d.png", p)
	}
	raw, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	areas := printableAreas(p == 1)
	b := img.Bounds()
	bad := 0
	var first image.Point
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r>>8 == 255 {
				continue
			}
			xm, ym := float64(x)*25.4/dpi, float64(y)*25.4/dpi
			inside := false
			for _, a := range areas {
				inside = inside || a.has(xm, ym)
			}
			if !inside {
				if bad == 0 {
					first = image.Pt(x, y)
				}
				bad++
			}
		}
	}
	if bad > 0 {
		return []string{fmt.Sprintf("page %d: %d pixels of ink outside the printable areas, the first at %.1f mm across, %.1f mm down",
			p, bad, float64(first.X)*25.4/dpi, float64(first.Y)*25.4/dpi)}
	}
	return nil
}

// Every letter kind, in standard and large print, passes Notify's
// precompiled letter checks; the person's letter, which is posted, has an
// address block Notify can read, with the postcode last.
func TestEveryLetterPassesNotifysPrecompiledChecks(t *testing.T) {
	requireTools(t)
	for _, tc := range goldenCases {
		for _, large := range []bool{false, true} {
			l := tc.letter()
			l.LargePrint = l.LargePrint || large
			pdf, err := PDF(l)
			if err != nil {
				t.Fatal(err)
			}
			postal := l.Kind == KindPerson
			problems, address := precompiledProblems(t, pdf, postal)
			for _, p := range problems {
				t.Errorf("%s (large print %v): %s", tc.name, l.LargePrint, p)
			}
			if postal {
				want := append([]string{l.Person.Name}, l.Person.Address...)
				if strings.Join(address, "|") != strings.Join(want, "|") {
					t.Errorf("%s: address block reads %q, want %q", tc.name, address, want)
				}
			}
		}
	}
}

// The easy read letter, which is posted too, passes the same checks.
func TestEasyReadPassesNotifysPrecompiledChecks(t *testing.T) {
	requireTools(t)
	l, needs := easyReadLetter()
	pdf, err := EasyReadPDF(l, needs)
	if err != nil {
		t.Fatal(err)
	}
	problems, address := precompiledProblems(t, pdf, true)
	for _, p := range problems {
		t.Errorf("easy read: %s", p)
	}
	if want := append([]string{l.Person.Name}, l.Person.Address...); strings.Join(address, "|") != strings.Join(want, "|") {
		t.Errorf("easy read: address block reads %q, want %q", address, want)
	}
}

// The checker finds ink where Notify would: a letter drawn with the old
// full-width band and an address outside the window fails.
func TestPrecompiledCheckFindsInkOutside(t *testing.T) {
	requireTools(t)
	l := personLetter()
	l.Person.Address = []string{"Flat 3", "Rosewood Court", "A very long line that runs on well past the right edge of the window", "LS6 1LF"}
	pdf, err := PDF(l)
	if err != nil {
		t.Fatal(err)
	}
	if problems, _ := precompiledProblems(t, pdf, true); len(problems) != 0 {
		t.Fatalf("a long line is set smaller to fit, yet: %v", problems)
	}
	// Ink in the gap between the address window and the body fails.
	f := gofpdf.New("P", "mm", "A4", "")
	f.AddPage()
	f.Rect(30, 75, 10, 5, "F")
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if problems, _ := precompiledProblems(t, buf.Bytes(), false); !strings.Contains(strings.Join(problems, "\n"), "page 1: ") {
		t.Errorf("ink below the address window passed: %v", problems)
	}
	short := personLetter()
	short.Person.Address = []string{"LS6 1LF"}
	pdf, _ = PDF(short)
	problems, _ := precompiledProblems(t, pdf, true)
	if !strings.Contains(strings.Join(problems, "\n"), "at least 3 lines") {
		t.Errorf("a two-line address passed: %v", problems)
	}
}

func TestCheckPostalAddress(t *testing.T) {
	for _, c := range []struct {
		lines []string
		want  string
	}{
		{[]string{"Ada Example", "1 High Street", "LS1 4AP"}, ""},
		{[]string{"Ada Example", "LS1 4AP"}, "at least 3 lines"},
		{[]string{"A", "1", "2", "3", "4", "5", "6", "LS1 4AP"}, "more than 6 lines"},
		{[]string{"Ada Example", "1 High Street", "Leeds"}, "real UK postcode"},
		{[]string{"Ada Example", "---", "LS1 4AP"}, "letter or a number"},
		{[]string{"Ada Example", "(rear) 1 High Street", "LS1 4AP"}, "starting with ("},
		{[]string{"Ada Example", "No fixed abode", "LS1 4AP"}, "no fixed abode"},
	} {
		err := CheckPostalAddress(c.lines, "person.address")
		got := ""
		if err != nil {
			got = err.Error()
		}
		if (c.want == "") != (err == nil) || !strings.Contains(got, c.want) {
			t.Errorf("%q: %v, want %q", c.lines, err, c.want)
		}
	}
	lines, err := PostalAddress("Ada Example", []string{"1 High Street", "Leeds"}, "ls14ap", "person.address")
	if err != nil || strings.Join(lines, "|") != "Ada Example|1 High Street|Leeds|LS1 4AP" {
		t.Errorf("postcode added last: %q %v", lines, err)
	}
	lines, _ = PostalAddress("Ada Example", []string{"1 High Street", "Leeds", "LS1 4AP"}, "LS1 4AP", "person.address")
	if len(lines) != 4 {
		t.Errorf("postcode given twice: %q", lines)
	}
}
