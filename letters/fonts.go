package letters

import (
	"bytes"
	"compress/zlib"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
)

// The fonts are subsets of DejaVu Sans made with pyftsubset (fonts/README.md
// says how). Each is read once, at start-up, for its glyph widths and
// metrics, and cut and compressed once for each encoding (encoding.go); a
// letter copies in the compressed files it needs as they are, so it does no
// font work of its own.
var (
	//go:embed fonts/DejaVuSans-Subset.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold-Subset.ttf
	fontBold []byte
)

// glyphSet is the set of BMP code points a font has a glyph for.
type glyphSet [0x10000 / 64]uint64

func (g *glyphSet) has(r rune) bool {
	return r >= 0 && r < 0x10000 && g[r/64]&(1<<(r%64)) != 0
}

// fontInfo is what a letter needs from a TrueType font: advance widths in
// thousandths of the size, glyph numbers, the metrics a PDF font descriptor
// gives, and the font file.
type fontInfo struct {
	PostScriptName                    string
	Width                             [0x10000]uint16 // by code point; 0 where there is no glyph
	Glyph                             [0x10000]uint16 // glyph number by code point
	Has                               glyphSet
	Ascent, Descent, CapHeight        int
	XMin, YMin, XMax, YMax            int
	ItalicAngle, StemV, MissingWidth  int
	UnderlinePosition, UnderlineThick int
	FixedPitch                        bool
	File                              []byte
}

var regular, bold = mustParse("regular", fontRegular), mustParse("bold", fontBold)

// covered holds the code points both fonts can draw, read from the fonts
// themselves so that remaking the subset can never let a missing glyph
// through.
var covered = func() *glyphSet {
	g := regular.Has
	for i := range g {
		g[i] &= bold.Has[i]
	}
	return &g
}()

func mustParse(name string, ttf []byte) *fontInfo {
	f, err := parseFont(ttf)
	if err != nil {
		panic(fmt.Sprintf("letters: %s font: %v", name, err))
	}
	return f
}

// ttfReader reads big-endian values from a font file, remembering the first
// out-of-range read so that callers check once.
type ttfReader struct {
	b   []byte
	err error
}

var errShort = errors.New("truncated font")

func (t *ttfReader) u16(off int) int {
	if off < 0 || off+2 > len(t.b) {
		t.err = errShort
		return 0
	}
	return int(binary.BigEndian.Uint16(t.b[off:]))
}

func (t *ttfReader) i16(off int) int { return int(int16(t.u16(off))) }

func (t *ttfReader) u32(off int) int {
	if off < 0 || off+4 > len(t.b) {
		t.err = errShort
		return 0
	}
	return int(binary.BigEndian.Uint32(t.b[off:]))
}

// parseFont reads the tables a simple PDF font needs: head, hhea, hmtx,
// OS/2, post, name and the Unicode BMP cmap (format 4). A broken font fails
// here, at start-up, rather than in a letter.
func parseFont(ttf []byte) (*fontInfo, error) {
	t := &ttfReader{b: ttf}
	if t.u32(0) != 0x00010000 {
		return nil, errors.New("not a TrueType font")
	}
	tables := map[string]int{}
	for i := range t.u16(4) {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, errShort
		}
		tables[string(ttf[rec:rec+4])] = t.u32(rec + 8)
	}
	for _, name := range []string{"head", "hhea", "hmtx", "OS/2", "post", "cmap", "name"} {
		if _, ok := tables[name]; !ok {
			return nil, fmt.Errorf("no %s table", name)
		}
	}
	head, hhea, os2, post := tables["head"], tables["hhea"], tables["OS/2"], tables["post"]
	unitsPerEm := t.u16(head + 18)
	if t.err != nil || unitsPerEm == 0 {
		return nil, errors.New("no units per em")
	}
	scale := func(v int) int { // font units to thousandths, rounded half away from zero
		if v < 0 {
			return -((-v*1000 + unitsPerEm/2) / unitsPerEm)
		}
		return (v*1000 + unitsPerEm/2) / unitsPerEm
	}
	f := &fontInfo{
		XMin: scale(t.i16(head + 36)), YMin: scale(t.i16(head + 38)),
		XMax: scale(t.i16(head + 40)), YMax: scale(t.i16(head + 42)),
		Ascent: scale(t.i16(hhea + 4)), Descent: scale(t.i16(hhea + 6)),
		ItalicAngle:       int(int32(t.u32(post+4))) >> 16,
		UnderlinePosition: scale(t.i16(post + 8)),
		UnderlineThick:    scale(t.i16(post + 10)),
		FixedPitch:        t.u32(post+12) != 0,
		File:              ttf,
	}
	if t.u16(os2) >= 2 {
		f.CapHeight = scale(t.i16(os2 + 88))
	} else {
		f.CapHeight = f.Ascent
	}
	weight := t.u16(os2 + 4)
	f.StemV = 50 + weight*weight/(65*65) // the usual estimate from the weight class
	// Advance widths by glyph.
	nMetrics, hmtx := t.u16(hhea+34), tables["hmtx"]
	if nMetrics == 0 {
		return nil, errors.New("no horizontal metrics")
	}
	advance := func(glyph int) int {
		if glyph >= nMetrics {
			glyph = nMetrics - 1
		}
		return t.u16(hmtx + 4*glyph)
	}
	f.MissingWidth = scale(advance(0))
	if err := eachMapping(t, tables["cmap"], func(r, glyph int) {
		f.Has[r/64] |= 1 << (r % 64)
		f.Width[r] = uint16(scale(advance(glyph)))
		f.Glyph[r] = uint16(glyph)
	}); err != nil {
		return nil, err
	}
	if f.PostScriptName = postScriptName(t, tables["name"]); f.PostScriptName == "" {
		return nil, errors.New("no PostScript name")
	}
	if t.err != nil {
		return nil, t.err
	}
	return f, nil
}

// compress deflates b in the zlib format a PDF's FlateDecode reads.
func compress(b []byte) []byte {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write(b)
	zw.Close()
	return z.Bytes()
}

// eachMapping calls fn for each code point the Unicode BMP cmap (format 4)
// maps to a glyph other than the missing glyph.
func eachMapping(t *ttfReader, cmap int, fn func(r, glyph int)) error {
	sub := -1
	for i := range t.u16(cmap + 2) {
		rec := cmap + 4 + 8*i
		platform, encoding, off := t.u16(rec), t.u16(rec+2), t.u32(rec+4)
		if t.err != nil {
			return t.err
		}
		if t.u16(cmap+off) == 4 && (platform == 0 || platform == 3 && encoding == 1) {
			sub = cmap + off
			break
		}
	}
	if sub < 0 {
		return errors.New("no Unicode BMP (format 4) cmap")
	}
	segX2 := t.u16(sub + 6)
	ends, starts := sub+14, sub+16+segX2
	deltas, rangeOffs := starts+segX2, starts+2*segX2
	for s := 0; s < segX2; s += 2 {
		end, start, delta, ro := t.u16(ends+s), t.u16(starts+s), t.u16(deltas+s), t.u16(rangeOffs+s)
		if t.err != nil {
			return t.err
		}
		for c := start; c <= end && c != 0xFFFF; c++ {
			glyph := (c + delta) & 0xFFFF
			if ro != 0 {
				// idRangeOffset is relative to its own position in the table.
				id := t.u16(rangeOffs + s + ro + 2*(c-start))
				if t.err != nil {
					return t.err
				}
				glyph = 0
				if id != 0 {
					glyph = (id + delta) & 0xFFFF
				}
			}
			if glyph != 0 {
				fn(c, glyph)
			}
		}
	}
	return t.err
}

// postScriptName reads name ID 6 from the name table (Macintosh Roman or
// Windows UTF-16), the name a PDF font dictionary gives as BaseFont.
func postScriptName(t *ttfReader, name int) string {
	count, strings := t.u16(name+2), name+t.u16(name+4)
	for i := range count {
		rec := name + 6 + 12*i
		platform, id, length, off := t.u16(rec), t.u16(rec+6), t.u16(rec+8), t.u16(rec+10)
		if t.err != nil || id != 6 {
			continue
		}
		start := strings + off
		if start+length > len(t.b) {
			return ""
		}
		raw := t.b[start : start+length]
		var out []byte
		switch platform {
		case 1:
			out = raw
		case 3:
			for j := 0; j+1 < len(raw); j += 2 {
				out = append(out, raw[j+1])
			}
		default:
			continue
		}
		for _, c := range out {
			if c <= ' ' || c > '~' || bytes.IndexByte([]byte("[](){}<>/%"), c) >= 0 {
				return ""
			}
		}
		return string(out)
	}
	return ""
}

// tableRecord is one entry of a font's table directory.
type tableRecord struct {
	tag       string
	off, size int
}

func tableDirectory(t *ttfReader) ([]tableRecord, error) {
	var recs []tableRecord
	for i := range t.u16(4) {
		rec := 12 + 16*i
		r := tableRecord{tag: string(t.b[min(rec, len(t.b)):min(rec+4, len(t.b))]), off: t.u32(rec + 8), size: t.u32(rec + 12)}
		if t.err != nil || r.off+r.size > len(t.b) {
			return nil, errShort
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// cutFont returns a copy of a TrueType font in which only the glyphs keep
// names (with .notdef and the parts of composite glyphs) have outlines. The
// glyph numbers, widths and cmap stay as they were, so the copy draws those
// glyphs exactly as the whole font does; it is just smaller to embed.
func cutFont(ttf []byte, keep []int) ([]byte, error) {
	t := &ttfReader{b: ttf}
	recs, err := tableDirectory(t)
	if err != nil {
		return nil, err
	}
	tables := map[string]tableRecord{}
	for _, r := range recs {
		tables[r.tag] = r
	}
	head, loca, glyf, maxp := tables["head"], tables["loca"], tables["glyf"], tables["maxp"]
	if head.size < 54 || loca.size == 0 || glyf.size == 0 || maxp.size < 6 {
		return nil, errors.New("not a TrueType font with glyf outlines")
	}
	numGlyphs, long := t.u16(maxp.off+4), t.i16(head.off+50) == 1
	offset := func(g int) int {
		if long {
			return t.u32(loca.off + 4*g)
		}
		return 2 * t.u16(loca.off+2*g)
	}
	glyphData := func(g int) []byte {
		start, end := offset(g), offset(g+1)
		if t.err != nil || start > end || glyf.off+end > glyf.off+glyf.size {
			t.err = errShort
			return nil
		}
		return ttf[glyf.off+start : glyf.off+end]
	}
	kept := make([]bool, numGlyphs)
	var add func(g int)
	add = func(g int) {
		if g < 0 || g >= numGlyphs || kept[g] {
			return
		}
		kept[g] = true
		data := glyphData(g)
		if len(data) < 10 || int16(binary.BigEndian.Uint16(data)) >= 0 {
			return
		}
		// A composite glyph: keep each of its parts.
		for p := 10; p+4 <= len(data); {
			flags, part := binary.BigEndian.Uint16(data[p:]), int(binary.BigEndian.Uint16(data[p+2:]))
			add(part)
			p += 4
			if flags&0x1 != 0 { // arguments are words
				p += 4
			} else {
				p += 2
			}
			switch {
			case flags&0x8 != 0: // one scale
				p += 2
			case flags&0x40 != 0: // x and y scales
				p += 4
			case flags&0x80 != 0: // two by two
				p += 8
			}
			if flags&0x20 == 0 { // no more components
				break
			}
		}
	}
	add(0)
	for _, g := range keep {
		add(g)
	}
	if t.err != nil {
		return nil, t.err
	}
	// New glyf and (long) loca tables.
	var newGlyf []byte
	newLoca := make([]byte, 4*(numGlyphs+1))
	for g := range numGlyphs {
		binary.BigEndian.PutUint32(newLoca[4*g:], uint32(len(newGlyf)))
		if kept[g] {
			newGlyf = append(newGlyf, glyphData(g)...)
			for len(newGlyf)%4 != 0 {
				newGlyf = append(newGlyf, 0)
			}
		}
	}
	binary.BigEndian.PutUint32(newLoca[4*numGlyphs:], uint32(len(newGlyf)))
	newHead := bytes.Clone(ttf[head.off : head.off+head.size])
	binary.BigEndian.PutUint16(newHead[50:], 1) // long loca offsets
	binary.BigEndian.PutUint32(newHead[8:], 0)  // checksum adjustment, set below
	data := map[string][]byte{"glyf": newGlyf, "loca": newLoca, "head": newHead}
	// Write the font: the same tables in the same order, each padded to
	// four bytes, with their checksums.
	out := bytes.Clone(ttf[:12+16*len(recs)])
	for i, r := range recs {
		b, ok := data[r.tag]
		if !ok {
			b = ttf[r.off : r.off+r.size]
		}
		rec := 12 + 16*i
		binary.BigEndian.PutUint32(out[rec+4:], tableChecksum(b))
		binary.BigEndian.PutUint32(out[rec+8:], uint32(len(out)))
		binary.BigEndian.PutUint32(out[rec+12:], uint32(len(b)))
		out = append(out, b...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	// head's checkSumAdjustment makes the whole file sum to 0xB1B0AFBA.
	for i, r := range recs {
		if r.tag == "head" {
			at := int(binary.BigEndian.Uint32(out[12+16*i+8:]))
			binary.BigEndian.PutUint32(out[at+8:], 0xB1B0AFBA-tableChecksum(out))
		}
	}
	return out, nil
}

// tableChecksum sums b as big-endian 32-bit words, padded with zeros.
func tableChecksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
