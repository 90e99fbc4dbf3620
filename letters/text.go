package letters

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// span is a run of letter text. A foreign span is text the PDF cannot print
// properly (a joined script the PDF library cannot shape, or characters the
// font lacks): the HTML shows Text as written, the PDF prints PDF instead.
type span struct {
	Text    string
	Foreign bool
	Lang    string // for the HTML: a BCP 47 tag such as "und-Arab", or ""
	PDF     string // what the PDF prints for a foreign span
	Link    string // for the HTML: the span links here
}

// text is a piece of letter text, in spans.
type text []span

// plain is text known to be printable (the letter's own wording).
func plain(s string) text { return text{{Text: s}} }

// join concatenates pieces of text.
func join(parts ...text) text { return slices.Concat(parts...) }

// pdfString is what the PDF prints: foreign spans replaced, and invisible
// format characters (bidi marks, zero-width joiners, soft hyphens) dropped
// because the PDF library would draw them as boxes.
func (t text) pdfString() string {
	var b strings.Builder
	for _, s := range t {
		if s.Foreign {
			b.WriteString(s.PDF)
			continue
		}
		for _, r := range s.Text {
			if !unicode.Is(unicode.Cf, r) {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

func (t text) empty() bool {
	for _, s := range t {
		if s.Text != "" {
			return false
		}
	}
	return true
}

// oneLine tidies a single-line field: NFC, so that a name typed as "e" plus a
// combining diaeresis prints as the font's "ë", and all runs of white space
// (including newlines and tabs) as one space.
func oneLine(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// lines tidies multi-line values, dropping blank lines.
func lines(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = oneLine(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// paragraphs splits free text on line breaks into tidied paragraphs.
func paragraphs(s string) []string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n").Replace(s)
	return lines(strings.Split(s, "\n"))
}

// free is free text (wishes, notes, names of places), with any run the PDF
// cannot print marked foreign and given a note pointing to the HTML version.
func free(s string) text {
	s = oneLine(s)
	rs := []rune(s)
	var out text
	start := 0 // start of the printable run being collected
	for i := 0; i < len(rs); {
		if printable(rs[i]) {
			i++
			continue
		}
		end, label, lang := foreignRun(rs, i)
		if start < i {
			out = append(out, span{Text: string(rs[start:i])})
		}
		out = append(out, span{
			Text:    string(rs[i:end]),
			Foreign: true,
			Lang:    lang,
			PDF:     "[" + writtenIn("written in", label) + ": see the HTML version]",
		})
		i, start = end, end
	}
	if start < len(rs) {
		out = append(out, span{Text: string(rs[start:])})
	}
	return out
}

// name is the person's name. When the PDF cannot print it, the PDF uses the
// Latin form the person gave, or says where to find it; the HTML shows the
// name as written.
func name(p Person) text {
	n := oneLine(p.Name)
	t := free(n)
	if !t.hasForeign() {
		return t
	}
	_, label, lang := foreignRun([]rune(n), firstForeign(n))
	alt := "[" + writtenIn("name in", label) + ": see the HTML version]"
	if latin := free(p.NameLatin); !latin.empty() {
		alt = latin.pdfString()
	}
	return text{{Text: n, Foreign: true, Lang: lang, PDF: alt}}
}

// latinName is the Latin form to show beside a name the PDF cannot print.
func latinName(p Person) text {
	if !name(p).hasForeign() {
		return nil
	}
	return free(p.NameLatin)
}

func (t text) hasForeign() bool {
	return slices.ContainsFunc(t, func(s span) bool { return s.Foreign })
}

func firstForeign(s string) int {
	for i, r := range []rune(s) {
		if !printable(r) {
			return i
		}
	}
	return 0
}

// printable reports whether the PDF can draw r as it should look: the font
// has it and it needs no shaping. Invisible format characters count as
// printable; pdfString drops them.
func printable(r rune) bool {
	if unicode.Is(unicode.Cf, r) {
		return true
	}
	return covered.has(r) && !unicode.IsControl(r) && !needsShaping(r)
}

// shapedScripts join letters or reorder them right to left; the PDF library
// does neither, so they print as disconnected letters in the wrong order
// even where a font has the glyphs.
var shapedScripts = []*unicode.RangeTable{
	unicode.Arabic, unicode.Syriac, unicode.Thaana, unicode.Nko, unicode.Hebrew, unicode.Mongolian,
	unicode.Devanagari, unicode.Bengali, unicode.Gurmukhi, unicode.Gujarati, unicode.Oriya,
	unicode.Tamil, unicode.Telugu, unicode.Kannada, unicode.Malayalam, unicode.Sinhala,
	unicode.Thai, unicode.Lao, unicode.Tibetan, unicode.Myanmar, unicode.Khmer,
}

func needsShaping(r rune) bool { return r > 0x2FF && unicode.In(r, shapedScripts...) }

// foreignRun finds the end of the foreign run starting at rs[i]: it takes in
// further unprintable characters and the spaces, punctuation and digits
// between them, so "عائشہ خان" is one run, not two. It also names the run's
// script for the PDF note and the HTML lang tag.
func foreignRun(rs []rune, i int) (end int, label, lang string) {
	scripts := map[string]bool{}
	end = i
	for j := i; j < len(rs); j++ {
		r := rs[j]
		switch {
		case !printable(r):
			if s := scriptOf(r); s != "" {
				scripts[s] = true
			}
			end = j + 1
		case unicode.In(r, unicode.Common, unicode.Inherited) && !unicode.IsLetter(r):
			// Neutral: part of the run only if more of it follows.
		default:
			label, lang = runLabel(scripts)
			return end, label, lang
		}
	}
	label, lang = runLabel(scripts)
	return end, label, lang
}

// runLabel names a run's script(s) for the reader and for the HTML lang tag.
func runLabel(scripts map[string]bool) (label, lang string) {
	if scripts["Han"] && (scripts["Hiragana"] || scripts["Katakana"]) {
		delete(scripts, "Han")
	}
	if scripts["Hiragana"] && scripts["Katakana"] {
		delete(scripts, "Katakana")
	}
	if len(scripts) != 1 {
		return "", ""
	}
	for s := range scripts {
		label = strings.ReplaceAll(s, "_", " ")
		if l, ok := friendlyScripts[s]; ok {
			label = l
		}
		if code, ok := iso15924[s]; ok {
			lang = "und-" + code
		}
		if s == "Hiragana" || s == "Katakana" {
			lang = "ja"
		}
	}
	return label, lang
}

// writtenIn words the PDF note: "written in Arabic script", "name in
// another script", "emoji or symbols".
func writtenIn(prefix, label string) string {
	switch {
	case label == "":
		return prefix + " another script"
	case label == "symbols" && prefix == "written in":
		return "emoji or symbols"
	case label == "symbols":
		return prefix + " emoji or symbols"
	}
	return prefix + " " + label + " script"
}

// scriptOf names r's Unicode script, "symbols" for characters that belong to
// none (emoji), or "" for marks and other characters that take the script of
// their neighbours.
func scriptOf(r rune) string {
	if unicode.Is(unicode.Inherited, r) || unicode.IsMark(r) {
		return ""
	}
	if unicode.Is(unicode.Common, r) {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsDigit(r) {
			return ""
		}
		return "symbols"
	}
	for _, s := range scriptNames {
		if unicode.Is(unicode.Scripts[s], r) {
			return s
		}
	}
	return "symbols"
}

// scriptNames is unicode.Scripts' keys in a fixed order, so that labels
// never depend on map iteration.
var scriptNames = func() []string {
	var names []string
	for s := range unicode.Scripts {
		if s != "Common" && s != "Inherited" {
			names = append(names, s)
		}
	}
	slices.Sort(names)
	return names
}()

var friendlyScripts = map[string]string{
	"Han": "Chinese", "Hiragana": "Japanese", "Katakana": "Japanese", "Hangul": "Korean",
}

// iso15924 gives the script subtag for the HTML lang attribute of a name in
// an unknown language but a known script ("und-Arab").
var iso15924 = map[string]string{
	"Arabic": "Arab", "Armenian": "Armn", "Bengali": "Beng", "Devanagari": "Deva",
	"Ethiopic": "Ethi", "Georgian": "Geor", "Gujarati": "Gujr", "Gurmukhi": "Guru",
	"Han": "Hani", "Hangul": "Hang", "Hebrew": "Hebr", "Kannada": "Knda", "Khmer": "Khmr",
	"Lao": "Laoo", "Malayalam": "Mlym", "Mongolian": "Mong", "Myanmar": "Mymr", "Nko": "Nkoo",
	"Oriya": "Orya", "Sinhala": "Sinh", "Syriac": "Syrc", "Tamil": "Taml", "Telugu": "Telu",
	"Thaana": "Thaa", "Thai": "Thai", "Tibetan": "Tibt",
}
