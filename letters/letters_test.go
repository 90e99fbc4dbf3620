package letters

import (
	"bytes"
	"compress/zlib"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-project/kith"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var letterDate = time.Date(2026, time.March, 5, 10, 30, 0, 0, time.UTC)

var site = Site{
	Name:              "Demo Borough Council",
	Colour:            "#1d70b8",
	SafeguardingPhone: "0113 496 0000",
	SafeguardingEmail: "safeguarding@demo.example",
}

var navigator = Navigator{Name: "Łucja Wiśniewska", Phone: "0113 496 0123", Email: "lucja.wisniewska@demo.example"}

var lunchClub = Service{
	Name:            "Silver Threads Lunch Club",
	Organisation:    "Holbeck Good Neighbours",
	Description:     "A friendly lunch club for people over 60. A hot two-course meal, a cup of tea and a chat, with a quiz or music afterwards.",
	Schedule:        "Every Tuesday, 12 noon to 2pm",
	Address:         "St Matthew’s Community Centre, Holbeck Lane, Leeds LS11 9PQ",
	Cost:            "£3.50 a meal – your first visit is free",
	Phone:           "0113 496 0456",
	SupportToAttend: []string{"Someone to go with you the first time", "Transport to and from your home"},
}

func providerLetter() Letter {
	return Letter{
		Kind: KindProvider, Site: site, Date: letterDate, Reference: "KR-2026-0042",
		Person:          Person{Name: "Siân Ó Súilleabháin", Address: []string{"12 Elm Grove", "Leeds", "LS11 5AB"}},
		Navigator:       navigator,
		Service:         lunchClub,
		SafeContact:     SafeContact{Phone: true, Visit: true, Times: "Weekday mornings, before 11am", HasDoNotContact: true},
		Wishes:          "I’d like to get out of the house and meet people — I used to love singing.\nI don’t want anyone to fuss.",
		DesiredOutcomes: []string{"To feel less alone"},
		ReplyURL:        "https://kith.demo.example/p/KR-2026-0042?sig=3f9a0c7e1b2d4f6a8c0e2b4d6f8a0c1e",
		ReplyCode:       "KX7P-92QD",
		CodeURL:         "https://kith.demo.example/provider",
	}
}

func personLetter() Letter {
	return Letter{
		Kind: KindPerson, Site: site, Date: letterDate, Reference: "KR-2026-0043",
		Person:      Person{Name: "Zoë Müller", Address: []string{"Flat 3, Rosewood Court", "14 Cardigan Road", "Leeds", "LS6 1LF"}},
		Navigator:   navigator,
		Service:     lunchClub,
		SafeContact: SafeContact{Phone: true, Post: true},
	}
}

func largePrintLetter() Letter {
	l := personLetter()
	l.Person = Person{Name: "Siân Ó Súilleabháin", Address: []string{"12 Elm Grove", "Leeds", "LS11 5AB"}}
	l.Reference = "KR-2026-0044"
	l.LargePrint = true
	return l
}

func concernLetter() Letter {
	return Letter{
		Kind: KindConcern, Site: site, Date: letterDate, Reference: "KR-2026-0045",
		Person:      Person{Name: "Margaret O’Brien", Address: []string{"7 Hawthorn Close", "Leeds", "LS12 3DE"}},
		SafeContact: SafeContact{Phone: true, Times: "Tuesdays and Thursdays, 10am to noon, when her nephew is at work", HasDoNotContact: true},
		Wishes:      "I don’t want to get him into trouble. I just want my money to be my own again.",
		DesiredOutcomes: []string{
			"To manage her own money",
			"To see her friends at church again",
		},
		Concern: &Concern{
			Reference:   "SC-2026-0007",
			Action:      "raise_concern",
			Reasons:     []string{"Abuse or neglect is indicated and the person has care and support needs.", "There is a basis to share: the person consented, and there are signs of coercion."},
			TypesOfRisk: []string{"financial_or_material", "psychological"},
			ShareBasis:  []string{"consent", "coercion"},
			// 2026.2: the location as the visitor gave it, the source not yet
			// known, and the routes beside the concern.
			LocationOfRisk: "own_home",
			Routes:         []string{"Tell the Office of the Public Guardian (0300 456 0300): it investigates attorneys and deputies who may be misusing their power."},
			Noticed: []string{
				"Someone controls who they see",
				"Money problems they cannot explain",
				"Lives alone",
				"No one visits weekly",
			},
			CareAndSupportNeeds: "yes",
			AbuseIndicated:      true,
			AbuseBecause:        []string{"Someone controls who they see (red flag)", "Money problems they cannot explain (red flag)"},
			UnableToProtectSelf: "unsure",
			Observer:            Observer{Name: "Sam Carter", Phone: "07700 900456", Role: "Home carer", Organisation: "Aire Valley Home Care", Agency: "home_care"},
			RaisedAt:            time.Date(2026, 3, 4, 15, 42, 0, 0, time.UTC),
			DoNotContact:        "Her nephew, Daniel",
		},
	}
}

// urduLetter has a name in a joined script the PDF cannot shape.
func urduLetter() Letter {
	l := providerLetter()
	l.Reference = "KR-2026-0046"
	l.Person = Person{Name: "عائشہ خان", NameLatin: "Ayesha Khan"}
	l.Wishes = "I would like to meet other women who speak Urdu — میں اردو بولتی ہوں. Maybe a sewing group."
	return l
}

var goldenCases = []struct {
	name   string
	letter func() Letter
}{
	{"provider", providerLetter},
	{"person", personLetter},
	{"person-large-print", largePrintLetter},
	{"concern", concernLetter},
	{"provider-urdu-name", urduLetter},
}

// requireTools fails, rather than skips, without poppler-utils and qpdf:
// CI installs them, and a skipped golden test would check nothing.
func requireTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "qpdf"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: install poppler-utils and qpdf (apt-get install -y poppler-utils qpdf)", tool)
		}
	}
}

// pdfText checks the PDF with qpdf and returns pdftotext's layout text.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	requireTools(t)
	path := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// flat joins a PDF's text into one line, so a search need not care where
// the letter wrapped.
func flat(text string) string { return strings.Join(strings.Fields(text), " ") }

func render(t testing.TB, l Letter) (pdf, page []byte) {
	t.Helper()
	pdf, err := PDF(l)
	if err != nil {
		t.Fatalf("PDF: %v", err)
	}
	page, err = HTML(l, HTMLOptions{StylesheetURL: "/static/letters.3f9a0c7e.css"})
	if err != nil {
		t.Fatalf("HTML: %v", err)
	}
	return pdf, page
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./letters -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); if the change is intended, run go test ./letters -update:\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			pdf, page := render(t, tc.letter())
			golden(t, tc.name+".txt", []byte(pdfText(t, pdf)))
			golden(t, tc.name+".html", page)
		})
	}
}

// The names and symbols the issue names must survive into the PDF's text.
func TestAccentedNamesRender(t *testing.T) {
	l := providerLetter()
	l.Person.Name = "Zoë Müller"
	l.Navigator.Name = "Siân Ó Súilleabháin"
	l.Wishes = "Łucja Wiśniewska said it costs £2 or €3 – “no more”."
	text := flat(pdfText(t, mustPDF(t, l)))
	for _, want := range []string{"Zoë Müller", "Siân Ó Súilleabháin", "Łucja Wiśniewska", "£2", "€3", "“no more”", "–"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	// A name typed decomposed (e + combining diaeresis) prints as the font's ë.
	l.Person.Name = "Zoe\u0308 Mu\u0308ller"
	if text := pdfText(t, mustPDF(t, l)); !strings.Contains(text, "Zoë Müller") {
		t.Errorf("decomposed name not composed:\n%s", text)
	}
}

func mustPDF(t *testing.T, l Letter) []byte {
	t.Helper()
	b, err := PDF(l)
	if err != nil {
		t.Fatalf("PDF: %v", err)
	}
	return b
}

func TestDeterministic(t *testing.T) {
	// Every document shares the fonts prepared at start-up: none may change them.
	shared := func() (all [][]byte) {
		all = append(all, fontRegular, fontBold)
		for _, style := range []string{"", "B"} {
			all = append(all, pdfFonts[style].files...)
			all = append(all, pdfFonts[style].defs...)
		}
		return all
	}
	before := shared()
	for i := range before {
		before[i] = bytes.Clone(before[i])
	}
	defer func() {
		for i, b := range shared() {
			if !bytes.Equal(before[i], b) {
				t.Errorf("rendering changed shared font bytes (%d)", i)
			}
		}
	}()
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			first, firstHTML := render(t, tc.letter())
			// Concurrent renders too: nothing may be shared between documents.
			var wg sync.WaitGroup
			results := make([][]byte, 4)
			for i := range results {
				wg.Go(func() { results[i], _ = render(t, tc.letter()) })
			}
			wg.Wait()
			for i, got := range results {
				if !bytes.Equal(first, got) {
					t.Fatalf("render %d differs from the first (%d vs %d bytes)", i+1, len(got), len(first))
				}
			}
			if _, again := render(t, tc.letter()); !bytes.Equal(firstHTML, again) {
				t.Fatal("HTML differs between renders")
			}
		})
	}
	// The creation date comes from the letter, not the clock.
	pdf, _ := render(t, providerLetter())
	if !bytes.Contains(pdf, []byte("/CreationDate (D:20260305103000)")) {
		t.Error("creation date is not the letter's date")
	}
}

func TestUnshapeableScripts(t *testing.T) {
	l := urduLetter()
	pdf, page := render(t, l)
	text := flat(pdfText(t, pdf))
	for _, want := range []string{"Ayesha Khan", "[written in Arabic script: see the HTML version]"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	assertPrintable(t, text)
	for _, want := range []string{`<bdi dir="auto" lang="und-Arab">عائشہ خان</bdi>`, "Ayesha Khan", "Name in Latin letters", "میں اردو بولتی ہوں"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}

	t.Run("no Latin form", func(t *testing.T) {
		l := urduLetter()
		l.Person.NameLatin = ""
		text := flat(pdfText(t, mustPDF(t, l)))
		if !strings.Contains(text, "[name in Arabic script: see the HTML version]") {
			t.Errorf("PDF lacks the name note:\n%s", text)
		}
		assertPrintable(t, text)
	})

	t.Run("characters the font lacks", func(t *testing.T) {
		for _, tc := range []struct{ name, wishes, note string }{
			{"Bengali", "আমি গান গাইতে ভালোবাসি", "[written in Bengali script: see the HTML version]"},
			{"Devanagari", "मुझे संगीत पसंद है", "[written in Devanagari script: see the HTML version]"},
			{"Chinese", "我喜欢唱歌", "[written in Chinese script: see the HTML version]"},
			{"emoji", "I love my dog 🐶🐶", "[emoji or symbols: see the HTML version]"},
			{"Hebrew", "שלום", "[written in Hebrew script: see the HTML version]"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				l := providerLetter()
				l.Wishes = tc.wishes
				l.Person.Name = "Wang Fang " + tc.wishes // names too, with no Latin form
				pdf, page := render(t, l)
				text := flat(pdfText(t, pdf))
				if !strings.Contains(text, tc.note) {
					t.Errorf("PDF lacks %q:\n%s", tc.note, text)
				}
				assertPrintable(t, text)
				if !strings.Contains(string(page), tc.wishes) {
					t.Errorf("HTML lacks the text as written")
				}
			})
		}
	})
}

// assertPrintable fails if the PDF's text holds a character the font lacks
// or the library cannot shape: those would print as boxes or mangled.
func assertPrintable(t *testing.T, text string) {
	t.Helper()
	for _, r := range text {
		if r == '\n' || r == '\f' {
			continue
		}
		if !printable(r) {
			t.Errorf("PDF text has unprintable %q (U+%04X)", r, r)
		}
	}
}

func TestScriptInjectionIsText(t *testing.T) {
	l := providerLetter()
	l.Person.Name = "<script>alert(1)</script>"
	l.Wishes = `"><img src=x onerror=alert(2)>`
	pdf, page := render(t, l)
	if text := pdfText(t, pdf); !strings.Contains(text, "<script>alert(1)</script>") {
		t.Errorf("PDF does not show the name as text:\n%s", text)
	}
	s := string(page)
	if strings.Contains(s, "<script>") || strings.Contains(s, "<img") {
		t.Errorf("HTML has unescaped markup:\n%s", s)
	}
	if !strings.Contains(s, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("HTML lacks the escaped name")
	}
	checkHTML(t, page, "/static/letters.3f9a0c7e.css")
}

func TestHTMLStructure(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			_, page := render(t, tc.letter())
			checkHTML(t, page, "/static/letters.3f9a0c7e.css")
		})
	}
	t.Run("no stylesheet", func(t *testing.T) {
		page, err := HTML(personLetter(), HTMLOptions{})
		if err != nil {
			t.Fatal(err)
		}
		checkHTML(t, page, "")
	})
	t.Run("stylesheet must be a web address", func(t *testing.T) {
		_, err := HTML(personLetter(), HTMLOptions{StylesheetURL: "javascript:alert(1)"})
		if kith.ErrorCode(err) != kith.EINVALID {
			t.Fatalf("got %v, want an invalid error", err)
		}
	})
}

// checkHTML parses the page and checks what accessibility and the CSP need.
func checkHTML(t *testing.T, page []byte, stylesheet string) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var lang, title string
	var links []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		count[n.Data]++
		for _, a := range n.Attr {
			if a.Key == "style" || strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s> has a %s attribute", n.Data, a.Key)
			}
		}
		switch n.Data {
		case "html":
			lang = attr(n, "lang")
		case "title":
			if n.FirstChild != nil {
				title = n.FirstChild.Data
			}
		case "link":
			if attr(n, "rel") == "stylesheet" {
				links = append(links, attr(n, "href"))
			}
		}
	}
	if !strings.HasPrefix(string(page), "<!DOCTYPE html>") {
		t.Error("no doctype")
	}
	if lang != "en" {
		t.Errorf(`html lang = %q, want "en"`, lang)
	}
	if strings.TrimSpace(title) == "" {
		t.Error("no title")
	}
	if count["h1"] != 1 {
		t.Errorf("%d h1 elements, want 1", count["h1"])
	}
	if count["h2"] < 3 {
		t.Errorf("%d h2 elements, want section headings", count["h2"])
	}
	for _, banned := range []string{"style", "script"} {
		if count[banned] > 0 {
			t.Errorf("page has a <%s> element", banned)
		}
	}
	var want []string
	if stylesheet != "" {
		want = []string{stylesheet}
	}
	if diff := cmp.Diff(want, links); diff != "" {
		t.Errorf("stylesheet links (-want +got):\n%s", diff)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// The provider letter carries only what the person agreed to share: never
// safeguarding details, and never who must not be contacted.
func TestProviderLetterHasNoSafeguardingDetails(t *testing.T) {
	l := providerLetter()
	l.Concern = concernLetter().Concern
	l.DesiredOutcomes = []string{"To manage her own money"}
	pdf, page := render(t, l)
	text := flat(pdfText(t, pdf))
	for _, secret := range []string{"SC-2026-0007", "Financial", "coercion", "controls who they see", "Home carer", "manage her own money", "section 42"} {
		if strings.Contains(text, secret) || strings.Contains(string(page), secret) {
			t.Errorf("provider letter shows safeguarding detail %q", secret)
		}
	}
	if !strings.Contains(text, "someone who must not be contacted") {
		t.Error("provider letter lacks the do-not-contact instruction")
	}
}

func TestValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Letter)
		fields []string
	}{
		{"unknown kind", func(l *Letter) { l.Kind = "memo" }, []string{"kind"}},
		{"no site", func(l *Letter) { l.Site = Site{} }, []string{"site.name", "site.colour"}},
		{"bad colour", func(l *Letter) { l.Site.Colour = "blue" }, []string{"site.colour"}},
		{"no date", func(l *Letter) { l.Date = time.Time{} }, []string{"date"}},
		{"no name", func(l *Letter) { l.Person.Name = " " }, []string{"person.name"}},
		{"provider without navigator or service", func(l *Letter) {
			l.Navigator, l.Service = Navigator{}, Service{}
		}, []string{"navigator.name", "navigator.phone", "service.name", "service.organisation"}},
		{"reply link not a web address", func(l *Letter) { l.ReplyURL = "javascript:alert(1)" }, []string{"reply_url"}},
		{"person letter where post is not safe", func(l *Letter) {
			*l = personLetter()
			l.SafeContact.Post = false
		}, []string{"safe_contact.post"}},
		{"person letter with no address", func(l *Letter) {
			*l = personLetter()
			l.Person.Address = []string{" "}
		}, []string{"person.address"}},
		{"person letter with an address it cannot print", func(l *Letter) {
			*l = personLetter()
			l.Person.Address = []string{"12 Elm Grove", "لیڈز"}
		}, []string{"person.address[1]"}},
		{"concern summary without a concern", func(l *Letter) { l.Kind = KindConcern }, []string{"concern"}},
		{"concern with bad codes", func(l *Letter) {
			*l = concernLetter()
			l.Concern.Action = "panic"
			l.Concern.CareAndSupportNeeds = "maybe"
			l.Concern.TypesOfRisk = []string{"physical", "bad_luck"}
			l.Concern.ShareBasis = []string{"gossip"}
			l.Concern.OthersAtRisk = []string{"cat"}
			l.Concern.Observer.Agency = "spy"
			l.Concern.Reference = ""
		}, []string{"concern.reference", "concern.action", "concern.care_and_support_needs",
			"concern.types_of_risk[1]", "concern.share_basis[0]", "concern.others_at_risk[0]", "concern.observer.agency"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := providerLetter()
			tc.change(&l)
			for _, err := range []error{pdfErr(l), htmlErr(l)} {
				var e *kith.Error
				if !errors.As(err, &e) || e.Code != kith.EINVALID {
					t.Fatalf("got %v, want an invalid error", err)
				}
				var got []string
				for _, f := range e.Fields {
					got = append(got, f.Field)
				}
				if diff := cmp.Diff(tc.fields, got); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func pdfErr(l Letter) error  { _, err := PDF(l); return err }
func htmlErr(l Letter) error { _, err := HTML(l, HTMLOptions{}); return err }

// The subset fonts must cover what letters routinely hold.
func TestFontCoverage(t *testing.T) {
	for _, r := range "AZaz09£€’‘“”–—•…ŁłŚśŃńŹźŻżĄąĘęĆćÓóÂâÎîŴŵŶŷẀẁĞğŞşİıȘșȚțŐőŰűÆæØøÅåßÞþÐðŒœÑñЖжΩω" {
		if !covered.has(r) {
			t.Errorf("fonts lack %q (U+%04X)", r, r)
		}
	}
	if covered.has('ا') || covered.has('😀') {
		t.Error("coverage claims glyphs the subset does not have")
	}
	if !slices.Equal(scriptNames, slices.Sorted(slices.Values(scriptNames))) {
		t.Error("scriptNames is not sorted")
	}
}

func TestFreeText(t *testing.T) {
	for _, tc := range []struct{ in, pdf string }{
		{"Zoë Müller", "Zoë Müller"},
		{"  Siân\t\n Ó  Súilleabháin ", "Siân Ó Súilleabháin"},
		{"\u200fSiân\u00ad", "Siân"},
		{"Hi عائشہ خان!", "Hi [written in Arabic script: see the HTML version]!"},
		{"Ali علی and 王芳 too", "Ali [written in Arabic script: see the HTML version] and [written in Chinese script: see the HTML version] too"},
		{"山田はな", "[written in Japanese script: see the HTML version]"},
		{"a 😀 b", "a [emoji or symbols: see the HTML version] b"},
		{"Привет, Γιώργος", "Привет, Γιώργος"},
	} {
		if got := free(tc.in).pdfString(); got != tc.pdf {
			t.Errorf("free(%q).pdfString() = %q, want %q", tc.in, got, tc.pdf)
		}
	}
}

// TestEveryEncodingExtracts draws every letter, digit, punctuation mark and
// symbol the fonts cover, in every encoding the PDF writer uses, and checks
// that a PDF reader gets each back as the same character: the glyph names
// in each encoding map to the right code points.
func TestEveryEncodingExtracts(t *testing.T) {
	var words []string
	for _, enc := range encodings {
		var word []rune
		for _, r := range enc {
			if !unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S) || !printable(r) {
				continue
			}
			if word = append(word, r); len(word) == 12 {
				words = append(words, string(word))
				word = nil
			}
		}
		if len(word) > 0 {
			words = append(words, string(word))
		}
	}
	if len(encodings) < 2 || len(words) < 50 {
		t.Fatalf("%d encodings, %d words: the fonts cover less than expected", len(encodings), len(words))
	}
	l := providerLetter()
	l.Wishes = strings.Join(words, " ")
	text := flat(norm.NFC.String(pdfText(t, mustPDF(t, l))))
	for _, w := range words {
		if want := norm.NFC.String(w); !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q (%U)", want, []rune(want))
		}
	}
}

// FuzzRuns checks that any text splits into runs that draw every character
// once, with codes an encoding defines, and measure what the text measures.
func FuzzRuns(f *testing.F) {
	for _, s := range []string{"", "Zoë Müller", "Łucja Wiśniewska £2 – “ok”", "Ξένια Олена ẁ ﬁ ☑", "ابc\x00\xff", "a\u0308"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, font := range []*fontInfo{regular, bold} {
			n, width := 0, 0
			for _, r := range runs(s, font) {
				if r.enc < 0 || r.enc >= len(encodings) || len(r.codes) == 0 {
					t.Fatalf("bad run %+v", r)
				}
				for _, c := range r.codes {
					if c < 0x20 || c == 0x7F && len(encodings[r.enc]) == 0 || c >= firstCode && int(c-firstCode) >= len(encodings[r.enc]) {
						t.Fatalf("code %d is not in encoding %d", c, r.enc)
					}
				}
				n += len(r.codes)
				width += r.width
			}
			if want := utf8.RuneCountInString(s); n != want {
				t.Fatalf("%q: %d codes for %d characters", s, n, want)
			}
			if want := textWidth(s, font); width != want {
				t.Fatalf("%q: runs measure %d, text %d", s, width, want)
			}
		}
	})
}

// TestCutFontsDrawAsTheWholeFont reads each cut font with an independent
// parser (golang.org/x/image/font/sfnt) and checks that every character of
// its encoding has the same outline and advance as in the whole font.
func TestCutFontsDrawAsTheWholeFont(t *testing.T) {
	for style, whole := range map[string][]byte{"": fontRegular, "B": fontBold} {
		full, err := sfnt.Parse(whole)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		outline := func(f *sfnt.Font, r rune) (sfnt.Segments, fixed.Int26_6) {
			g, err := f.GlyphIndex(&buf, r)
			if err != nil || g == 0 {
				t.Fatalf("style %q: no glyph for %U (%v)", style, r, err)
			}
			segs, err := f.LoadGlyph(&buf, g, fixed.I(1000), nil)
			if err != nil {
				t.Fatalf("style %q: %U: %v", style, r, err)
			}
			adv, err := f.GlyphAdvance(&buf, g, fixed.I(1000), font.HintingNone)
			if err != nil {
				t.Fatal(err)
			}
			return slices.Clone(segs), adv
		}
		for e, enc := range encodings {
			zr, err := zlib.NewReader(bytes.NewReader(pdfFonts[style].files[e]))
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			cut, err := sfnt.Parse(raw)
			if err != nil {
				t.Fatalf("style %q encoding %d: %v", style, e, err)
			}
			if n := cut.NumGlyphs(); n >= full.NumGlyphs()/2 {
				t.Errorf("style %q encoding %d keeps %d of %d glyphs", style, e, n, full.NumGlyphs())
			}
			runes := append([]rune(" AZaz09?~"), enc...)
			for _, r := range runes {
				wantSegs, wantAdv := outline(full, r)
				gotSegs, gotAdv := outline(cut, r)
				if !slices.Equal(wantSegs, gotSegs) || wantAdv != gotAdv {
					t.Errorf("style %q encoding %d: %U draws differently in the cut font", style, e, r)
				}
			}
		}
	}
}

// The person is told who was asked to contact them until the service
// agrees; a service that visits at home gives no place to go; a referral
// made in the person's best interests never tells the provider they agreed.
func TestLetterWording(t *testing.T) {
	text := func(l Letter) string {
		_, page := render(t, l)
		return flat(string(page))
	}
	asked := text(personLetter())
	if !strings.Contains(asked, "we have asked") || strings.Contains(asked, "has agreed") || strings.Contains(asked, "put you in touch") {
		t.Errorf("before the service agrees: %s", asked)
	}
	agreed := personLetter()
	agreed.ProviderAgreed = true
	if got := text(agreed); !strings.Contains(got, "they have agreed") {
		t.Errorf("after the service agrees: %s", got)
	}
	home := personLetter()
	home.Service.VisitsAtHome = true
	got := text(home)
	if !strings.Contains(got, "visit you at home") || (home.Service.Address != "" && strings.Contains(got, home.Service.Address)) {
		t.Errorf("a service that visits at home: %s", got)
	}
	bi := providerLetter()
	bi.BestInterest = true
	if got := text(bi); strings.Contains(got, "They have agreed") || !strings.Contains(got, "best interests") {
		t.Errorf("best-interest referral: %s", got)
	}
	if got := text(providerLetter()); !strings.Contains(got, "KX7P-92QD") || !strings.Contains(got, "https://kith.demo.example/provider") {
		t.Errorf("the provider's code: %s", got)
	}
	pdf := pdfText(t, mustPDF(t, providerLetter()))
	if !strings.Contains(flat(pdf), "KX7P-92QD") || !strings.Contains(flat(pdf), "Phone: 0113") {
		t.Errorf("the PDF lacks the code or the navigator's number: %s", pdf)
	}
}
