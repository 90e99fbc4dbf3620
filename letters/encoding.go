package letters

// A PDF font drawn with single-byte codes can show at most 256 glyphs, so
// the letters use the same embedded font through several encodings: each
// keeps printable ASCII at its own codes and gives 129 more code points the
// codes 127 to 255. Every code point the fonts cover has one encoding and
// code, fixed at start-up, so a letter only looks them up. Common characters
// (Latin-1, quotation marks, dashes, the bullet, the euro) share the first
// encoding, so most letters use one or two.

// firstCode is the first code an encoding gives to a character outside ASCII.
const firstCode = 127

// anyEncoding marks printable ASCII, which every encoding draws.
const anyEncoding = 0xFF

type glyphCode struct {
	enc  uint8 // which encoding, or anyEncoding
	code byte
}

// codes holds each covered BMP code point's encoding and code; the zero
// value (encoding 0, code 0) means not covered. encodings lists, for each
// encoding, the code points at codes 127 up.
var codes, encodings = buildEncodings()

func buildEncodings() (codes *[0x10000]glyphCode, encodings [][]rune) {
	codes = new([0x10000]glyphCode)
	for r := rune(0x20); r < 0x7F; r++ {
		codes[r] = glyphCode{anyEncoding, byte(r)}
	}
	common := []rune{
		'–', '—', '‘', '’', '‚', '“', '”', '„', '•', '…', '‰', '‹', '›', '€', '™', '№',
		'←', '→', '−', '●', '☐', '☑', '☒', '✓', '✗',
	}
	// Latin-1, then the common marks, then everything else in code point
	// order; a code point met again keeps the code it got first.
	var order []rune
	for r := rune(0xA0); r <= 0xFF; r++ {
		order = append(order, r)
	}
	order = append(order, common...)
	for r := rune(0x80); r < 0x10000; r++ {
		order = append(order, r)
	}
	for _, r := range order {
		if !covered.has(r) || codes[r].code != 0 {
			continue
		}
		if len(encodings) == 0 || len(encodings[len(encodings)-1]) == 256-firstCode {
			encodings = append(encodings, nil)
		}
		e := len(encodings) - 1
		codes[r] = glyphCode{uint8(e), byte(firstCode + len(encodings[e]))}
		encodings[e] = append(encodings[e], r)
	}
	if len(encodings) >= anyEncoding {
		panic("letters: too many encodings for the fonts' coverage")
	}
	return codes, encodings
}

// textRun is part of a line drawn with one encoding: its codes.
type textRun struct {
	enc   int
	codes []byte
	width int // thousandths of the size
}

// runs splits s into runs by encoding. ASCII joins the run around it. A code
// point without a glyph (text is cleaned before it gets here, so this should
// not happen) is drawn as "?".
func runs(s string, f *fontInfo) []textRun {
	var out []textRun
	cur := -1
	for _, r := range s {
		r, g := lookup(r, f)
		enc := int(g.enc)
		if g.enc == anyEncoding {
			if cur < 0 {
				cur = 0
			}
			enc = cur
		}
		if enc != cur || len(out) == 0 {
			out = append(out, textRun{enc: enc})
			cur = enc
		}
		last := &out[len(out)-1]
		last.codes = append(last.codes, g.code)
		last.width += int(f.Width[r])
	}
	// A line that starts in ASCII and then needs another encoding can draw
	// its ASCII start with that one too.
	if len(out) > 1 && out[0].enc == 0 && allASCII(out[0].codes) {
		out[1].codes = append(out[0].codes, out[1].codes...)
		out[1].width += out[0].width
		out = out[1:]
	}
	return out
}

func allASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// lookup gives the character drawn for r, and its encoding and code: r
// itself, or "?" where it has no code or f has no glyph.
func lookup(r rune, f *fontInfo) (rune, glyphCode) {
	if r >= 0 && r < 0x10000 && codes[r].code != 0 && f.Has.has(r) {
		return r, codes[r]
	}
	return '?', codes['?']
}

// textWidth is s's width in thousandths of the size, as runs draws it.
func textWidth(s string, f *fontInfo) int {
	w := 0
	for _, r := range s {
		r, _ = lookup(r, f)
		w += int(f.Width[r])
	}
	return w
}
