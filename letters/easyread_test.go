package letters

import (
	"bytes"
	"image"
	_ "image/png"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/person"
)

var easyReadOut = os.Getenv("KITH_EASY_READ_OUT") // a folder: the test also writes the PDF and page PNGs there, to look at

func easyReadLetter() (Letter, person.Needs) {
	l := personLetter()
	l.Reference = "KR-2026-0047"
	return l, person.Needs{Formats: []string{"easy_read"}, Interpreter: "pl", Support: []string{"bsl_interpreter"}, Contact: []string{"letter"}}
}

func mustEasyRead(t *testing.T, l Letter, n person.Needs) []byte {
	t.Helper()
	b, err := EasyReadPDF(l, n)
	if err != nil {
		t.Fatalf("EasyReadPDF: %v", err)
	}
	return b
}

func TestEasyReadGolden(t *testing.T) {
	l, needs := easyReadLetter()
	pdf := mustEasyRead(t, l, needs)
	text := pdfText(t, pdf)
	golden(t, "person-easy-read.txt", []byte(text))
	if easyReadOut != "" {
		path := filepath.Join(easyReadOut, "person-easy-read.pdf")
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("pdftoppm", "-png", "-r", "60", path, filepath.Join(easyReadOut, "page")).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
	}
}

// The easy read letter says what the person letter says, one idea a line:
// each of these is a line of its own in the PDF.
func TestEasyReadSaysEachIdeaOnALine(t *testing.T) {
	l, needs := easyReadLetter()
	lines := map[string]bool{}
	for _, line := range strings.Split(pdfText(t, mustEasyRead(t, l, needs)), "\n") {
		lines[strings.Join(strings.Fields(line), " ")] = true
	}
	for _, want := range []string{
		"The help we have asked for",
		"Dear Zoë Müller,",
		"You talked with us.",
		"You said yes to some help.",
		"They will get in touch with you.",
		"When",
		"Every Tuesday, 12 noon to 2pm",
		"You need a Polish interpreter.",
		"We will have one with us.",
		"Do you have a question?",
		"Call Łucja Wiśniewska.",
		"The number is 0113 496 0123.",
		"It is your choice.",
		"You can say no.",
		"You can change your mind at any time.",
		"Łucja Wiśniewska",
		"Flat 3, Rosewood Court",
		"LS6 1LF",
		pictureCredit,
	} {
		if !lines[want] {
			t.Errorf("no line %q in the easy read PDF", want)
		}
	}
	text := flat(pdfText(t, mustEasyRead(t, l, needs)))
	for _, want := range []string{"We will have a British Sign Language interpreter when we meet you.", "KR-2026-0047"} {
		if !strings.Contains(text, want) {
			t.Errorf("easy read PDF lacks %q", want)
		}
	}
}

// Sentences stay short: none of the letter's own lines runs past 15 words.
func TestEasyReadSentencesAreShort(t *testing.T) {
	l, needs := easyReadLetter()
	l.Service.Description = "" // the provider's own words are theirs, not the letter's
	l.Service.VisitsAtHome = true
	l.ProviderAgreed = true
	d := buildEasyRead(l, needs)
	for _, r := range d.Rows {
		for _, t2 := range r.Lines {
			s := t2.pdfString()
			for _, sentence := range strings.Split(s, ". ") {
				if n := len(strings.Fields(sentence)); n > 15 {
					t.Errorf("a sentence of %d words: %q", n, sentence)
				}
			}
		}
	}
	text := flat(pdfText(t, mustEasyRead(t, l, needs)))
	for _, want := range []string{"The help we have arranged", "They said yes.", "They will come to your home.", "You do not need to go out."} {
		if !strings.Contains(text, want) {
			t.Errorf("easy read PDF lacks %q", want)
		}
	}
	for _, not := range []string{"They will get in touch with you.", "Getting there", "Where"} {
		if strings.Contains(text, not) {
			t.Errorf("easy read PDF for a home visit that is agreed says %q", not)
		}
	}
}

// A large print need larger than easy read's own size is met: the text is
// drawn at the size asked for.
func TestEasyReadMeetsALargerPrintNeed(t *testing.T) {
	l, _ := easyReadLetter()
	for _, tt := range []struct {
		needs person.Needs
		want  float64
	}{
		{person.Needs{Formats: []string{"easy_read"}}, 18},
		{person.Needs{Formats: []string{"easy_read", "large_print_20"}}, 20},
		{person.Needs{Formats: []string{"easy_read", "large_print_28"}}, 28},
	} {
		if got := buildEasyRead(l, tt.needs).Points; got != tt.want {
			t.Errorf("needs %v: %v pt, want %v", tt.needs.Formats, got, tt.want)
		}
		pdf := mustEasyRead(t, l, tt.needs)
		if !strings.Contains(pdfText(t, pdf), "It is your choice.") {
			t.Errorf("needs %v: text missing", tt.needs.Formats)
		}
	}
}

func TestEasyReadRefuses(t *testing.T) {
	l, needs := easyReadLetter()
	l.Kind = KindProvider
	if _, err := EasyReadPDF(l, needs); kith.ErrorCode(err) != kith.EINVALID || kith.FieldErrors(err)[0].Field != "kind" {
		t.Errorf("provider letter: err = %v", err)
	}
	l, _ = easyReadLetter()
	l.SafeContact.Post = false
	_, err := EasyReadPDF(l, needs)
	if fe := kith.FieldErrors(err); len(fe) != 1 || fe[0].Field != "safe_contact.post" {
		t.Errorf("post not safe: err = %v", err)
	}
}

func TestEasyReadDeterministic(t *testing.T) {
	l, needs := easyReadLetter()
	a, b := mustEasyRead(t, l, needs), mustEasyRead(t, l, needs)
	if string(a) != string(b) {
		t.Error("the same easy read letter gave different bytes")
	}
}

// Every picture the letter can use is shipped, and no picture is shipped
// without being used or without its source.
func TestEasyReadPicturesShipped(t *testing.T) {
	used := map[string]bool{"interpreter": true, "sign-language": true, "home": true}
	l, needs := easyReadLetter()
	for _, r := range buildEasyRead(l, needs).Rows {
		used[r.Picture] = true
	}
	l.Service.VisitsAtHome = true
	for _, r := range buildEasyRead(l, needs).Rows {
		used[r.Picture] = true
	}
	entries, err := pictureFiles.ReadDir("pictures")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		n := strings.TrimSuffix(e.Name(), ".png")
		if !used[n] {
			t.Errorf("pictures/%s is shipped but never used", e.Name())
		}
		if _, err := os.Stat(filepath.Join("pictures", n+".svg")); err != nil {
			t.Errorf("pictures/%s has no SVG source beside it", e.Name())
		}
		delete(used, n)
	}
	for n := range used {
		t.Errorf("picture %s is used but not shipped", n)
	}
	if b, err := os.ReadFile(filepath.Join("pictures", "LICENSE")); err != nil || !strings.Contains(string(b), "Attribution-ShareAlike 4.0 International") {
		t.Errorf("pictures/LICENSE is not the CC BY-SA 4.0 licence: %v", err)
	}
}

// gofpdf writes a document's images in the order of their pixel widths,
// and images of one width in Go's random map order: every picture has a
// width of its own, so the same letter always gives the same bytes.
func TestEasyReadPictureWidthsDiffer(t *testing.T) {
	entries, err := pictureFiles.ReadDir("pictures")
	if err != nil {
		t.Fatal(err)
	}
	widths := map[int]string{}
	for _, e := range entries {
		b, _ := pictureFiles.ReadFile("pictures/" + e.Name())
		c, _, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if other, ok := widths[c.Width]; ok {
			t.Errorf("%s and %s are both %d pixels wide", e.Name(), other, c.Width)
		}
		widths[c.Width] = e.Name()
		if c.Width < 250 || c.Width != c.Height {
			t.Errorf("%s is %dx%d: pictures are square and sharp at 30 mm (250 pixels or more)", e.Name(), c.Width, c.Height)
		}
	}
}

func TestEasyReadHTML(t *testing.T) {
	l, needs := easyReadLetter()
	o := EasyReadOptions{HTMLOptions: HTMLOptions{StylesheetURL: "/static/letters.3f9a0c7e.css"}, PicturesURL: "/static/easy-read/"}
	page, err := EasyReadHTML(l, needs, o)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "person-easy-read.html", page)
	checkHTML(t, page, o.StylesheetURL)
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var imgs, paras []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "img":
			if alt := attr(n, "alt"); alt != "" {
				t.Errorf("picture %s has alt %q: the words beside it say the same", attr(n, "src"), alt)
			}
			imgs = append(imgs, attr(n, "src"))
		case "p":
			var b strings.Builder
			for c := range n.Descendants() {
				if c.Type == html.TextNode {
					b.WriteString(c.Data)
				}
			}
			paras = append(paras, b.String())
		}
	}
	pdfRows := buildEasyRead(l, needs).Rows
	if len(imgs) != len(pdfRows) {
		t.Errorf("%d pictures, want one per idea (%d)", len(imgs), len(pdfRows))
	}
	for i, src := range imgs {
		if want := "/static/easy-read/" + pdfRows[i].Picture + ".png"; src != want {
			t.Errorf("picture %d is %s, want %s", i, src, want)
		}
		if _, err := fs.Stat(Pictures, pdfRows[i].Picture+".png"); err != nil {
			t.Errorf("Pictures lacks %s: %v", pdfRows[i].Picture, err)
		}
	}
	// The same lines as the PDF, each a paragraph of its own.
	for _, want := range []string{"You talked with us.", "You need a Polish interpreter.", "It is your choice.", "You can say no.", pictureCredit} {
		if !slices.Contains(paras, want) {
			t.Errorf("no paragraph %q", want)
		}
	}
	// Without a pictures address, the words alone, and no credit for
	// pictures not shown.
	page, err = EasyReadHTML(l, needs, EasyReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(page, []byte("<img")) || bytes.Contains(page, []byte("OpenMoji")) {
		t.Error("pictures or their credit without a pictures address")
	}
	if !bytes.Contains(page, []byte(`class="letter letter-person easy-read print-18"`)) {
		t.Error("the body does not carry the easy read size class")
	}
	page, _ = EasyReadHTML(l, person.Needs{Formats: []string{"easy_read", "large_print_24"}}, EasyReadOptions{})
	if !bytes.Contains(page, []byte("print-24")) {
		t.Error("a 24 point need does not set the 24 point class")
	}
	for _, bad := range []string{"javascript:alert(1)//", "/static/easy-read", "//evil.example/"} {
		if _, err := EasyReadHTML(l, needs, EasyReadOptions{PicturesURL: bad}); kith.ErrorCode(err) != kith.EINVALID {
			t.Errorf("pictures URL %q: err = %v, want invalid", bad, err)
		}
	}
	l.Kind = KindConcern
	if _, err := EasyReadHTML(l, needs, EasyReadOptions{}); kith.ErrorCode(err) != kith.EINVALID {
		t.Errorf("concern letter: err = %v", err)
	}
}
