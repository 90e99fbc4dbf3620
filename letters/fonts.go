package letters

import (
	"bytes"
	"compress/zlib"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
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

// keptTables are the tables a cut font keeps: the outlines and what a PDF
// reader needs to draw them. Every other table (kerning, layout, device
// metrics) numbers glyphs and would be wrong after renumbering.
var keptTables = map[string]bool{
	"OS/2": true, "cmap": true, "cvt ": true, "fpgm": true, "gasp": true, "glyf": true, "head": true,
	"hhea": true, "hmtx": true, "loca": true, "maxp": true, "name": true, "post": true, "prep": true,
}

// cutFont returns a TrueType font with only the glyphs for runes (and
// .notdef, and the parts of composite glyphs), renumbered from 1, with a
// cmap, widths and outlines for those alone. It draws those characters
// exactly as the whole font does, in a fraction of the size.
func cutFont(info *fontInfo, runes []rune) ([]byte, error) {
	ttf := info.File
	t := &ttfReader{b: ttf}
	recs, err := tableDirectory(t)
	if err != nil {
		return nil, err
	}
	tables := map[string]tableRecord{}
	for _, r := range recs {
		tables[r.tag] = r
	}
	head, hhea, hmtx, loca, glyf, maxp, post := tables["head"], tables["hhea"], tables["hmtx"], tables["loca"], tables["glyf"], tables["maxp"], tables["post"]
	if head.size < 54 || hhea.size < 36 || loca.size == 0 || glyf.size == 0 || maxp.size < 6 || post.size < 32 {
		return nil, errors.New("not a TrueType font with glyf outlines")
	}
	numGlyphs, long, nMetrics := t.u16(maxp.off+4), t.i16(head.off+50) == 1, t.u16(hhea.off+34)
	if nMetrics == 0 || hmtx.size < 4*nMetrics+2*(numGlyphs-nMetrics) {
		return nil, errors.New("short hmtx table")
	}
	offset := func(g int) int {
		if long {
			return t.u32(loca.off + 4*g)
		}
		return 2 * t.u16(loca.off+2*g)
	}
	glyphData := func(g int) []byte {
		start, end := offset(g), offset(g+1)
		if t.err != nil || start > end || end > glyf.size {
			t.err = errShort
			return nil
		}
		return ttf[glyf.off+start : glyf.off+end]
	}
	// eachPart calls fn with the offset of each component's glyph number in
	// a composite glyph's data.
	eachPart := func(data []byte, fn func(at int)) {
		if len(data) < 10 || int16(binary.BigEndian.Uint16(data)) >= 0 {
			return
		}
		for p := 10; p+4 <= len(data); {
			flags := binary.BigEndian.Uint16(data[p:])
			fn(p + 2)
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
	kept := make([]bool, numGlyphs)
	var add func(g int)
	add = func(g int) {
		if g < 0 || g >= numGlyphs || kept[g] {
			return
		}
		kept[g] = true
		data := glyphData(g)
		eachPart(data, func(at int) { add(int(binary.BigEndian.Uint16(data[at:]))) })
	}
	add(0)
	for _, r := range runes {
		if r >= 0 && r < 0x10000 && info.Has.has(r) {
			add(int(info.Glyph[r]))
		}
	}
	if t.err != nil {
		return nil, t.err
	}
	renumber := make([]int, numGlyphs)
	var order []int // old glyph numbers, by new number
	for g := range numGlyphs {
		if kept[g] {
			renumber[g] = len(order)
			order = append(order, g)
		}
	}
	n := len(order)
	// Outlines, with composite glyphs pointing at their parts' new numbers.
	var newGlyf []byte
	newLoca := make([]byte, 4*(n+1))
	newHmtx := make([]byte, 4*n)
	for i, g := range order {
		binary.BigEndian.PutUint32(newLoca[4*i:], uint32(len(newGlyf)))
		data := bytes.Clone(glyphData(g))
		eachPart(data, func(at int) {
			binary.BigEndian.PutUint16(data[at:], uint16(renumber[binary.BigEndian.Uint16(data[at:])]))
		})
		newGlyf = append(newGlyf, data...)
		for len(newGlyf)%4 != 0 {
			newGlyf = append(newGlyf, 0)
		}
		adv, lsb := t.u16(hmtx.off+4*min(g, nMetrics-1)), 0
		if g < nMetrics {
			lsb = t.u16(hmtx.off + 4*g + 2)
		} else {
			lsb = t.u16(hmtx.off + 4*nMetrics + 2*(g-nMetrics))
		}
		binary.BigEndian.PutUint16(newHmtx[4*i:], uint16(adv))
		binary.BigEndian.PutUint16(newHmtx[4*i+2:], uint16(lsb))
	}
	binary.BigEndian.PutUint32(newLoca[4*n:], uint32(len(newGlyf)))
	if t.err != nil {
		return nil, t.err
	}
	newHead := bytes.Clone(ttf[head.off : head.off+head.size])
	binary.BigEndian.PutUint32(newHead[8:], 0)  // checksum adjustment, set below
	binary.BigEndian.PutUint16(newHead[50:], 1) // long loca offsets
	newHhea := bytes.Clone(ttf[hhea.off : hhea.off+hhea.size])
	binary.BigEndian.PutUint16(newHhea[34:], uint16(n))
	newMaxp := bytes.Clone(ttf[maxp.off : maxp.off+maxp.size])
	binary.BigEndian.PutUint16(newMaxp[4:], uint16(n))
	newPost := bytes.Clone(ttf[post.off : post.off+32])
	binary.BigEndian.PutUint32(newPost, 0x00030000) // no glyph names: readers use the cmap
	cmap := map[rune]int{}
	for _, r := range runes {
		if r >= 0 && r < 0x10000 && info.Has.has(r) {
			cmap[r] = renumber[info.Glyph[r]]
		}
	}
	data := map[string][]byte{
		"glyf": newGlyf, "loca": newLoca, "hmtx": newHmtx, "head": newHead, "hhea": newHhea,
		"maxp": newMaxp, "post": newPost, "cmap": buildCmap(cmap),
	}
	var tags []string
	for _, r := range recs {
		if keptTables[r.tag] {
			tags = append(tags, r.tag)
			if _, ok := data[r.tag]; !ok {
				data[r.tag] = ttf[r.off : r.off+r.size]
			}
		}
	}
	slices.Sort(tags)
	// The table directory, then each table padded to four bytes.
	out := make([]byte, 12+16*len(tags))
	binary.BigEndian.PutUint32(out, 0x00010000)
	searchRange, entrySelector := binarySearchHeader(len(tags), 16)
	binary.BigEndian.PutUint16(out[4:], uint16(len(tags)))
	binary.BigEndian.PutUint16(out[6:], uint16(searchRange))
	binary.BigEndian.PutUint16(out[8:], uint16(entrySelector))
	binary.BigEndian.PutUint16(out[10:], uint16(16*len(tags)-searchRange))
	headAt := 0
	for i, tag := range tags {
		b := data[tag]
		rec := 12 + 16*i
		copy(out[rec:], tag)
		binary.BigEndian.PutUint32(out[rec+4:], tableChecksum(b))
		binary.BigEndian.PutUint32(out[rec+8:], uint32(len(out)))
		binary.BigEndian.PutUint32(out[rec+12:], uint32(len(b)))
		if tag == "head" {
			headAt = len(out)
		}
		out = append(out, b...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	// head's checkSumAdjustment makes the whole file sum to 0xB1B0AFBA.
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-tableChecksum(out))
	return out, nil
}

// binarySearchHeader gives the searchRange (in bytes) and entrySelector of
// a TrueType binary search over n entries of size bytes each.
func binarySearchHeader(n, size int) (searchRange, entrySelector int) {
	p := 1
	for p*2 <= n {
		p *= 2
		entrySelector++
	}
	return p * size, entrySelector
}

// buildCmap writes a cmap table with one Windows Unicode BMP subtable
// (format 4) mapping each code point to its glyph, a segment per run of
// consecutive code points with consecutive glyphs.
func buildCmap(m map[rune]int) []byte {
	runes := slices.Sorted(maps.Keys(m))
	type segment struct{ start, end, delta int }
	var segs []segment
	for _, r := range runes {
		g := m[r]
		if k := len(segs) - 1; k >= 0 && int(r) == segs[k].end+1 && g-int(r) == segs[k].delta {
			segs[k].end++
			continue
		}
		segs = append(segs, segment{int(r), int(r), g - int(r)})
	}
	segs = append(segs, segment{0xFFFF, 0xFFFF, 1}) // the required last segment
	segX2 := 2 * len(segs)
	searchRange, entrySelector := binarySearchHeader(len(segs), 2)
	sub := make([]byte, 16+4*segX2)
	put := func(at, v int) { binary.BigEndian.PutUint16(sub[at:], uint16(v)) }
	put(0, 4)
	put(2, len(sub))
	put(6, segX2)
	put(8, searchRange)
	put(10, entrySelector)
	put(12, segX2-searchRange)
	for i, s := range segs {
		put(14+2*i, s.end)
		put(16+segX2+2*i, s.start)
		put(16+2*segX2+2*i, s.delta&0xFFFF)
		// idRangeOffset stays 0: glyph = code point + delta.
	}
	table := make([]byte, 12, 12+len(sub))
	binary.BigEndian.PutUint16(table[2:], 1)  // one subtable
	binary.BigEndian.PutUint16(table[4:], 3)  // Windows
	binary.BigEndian.PutUint16(table[6:], 1)  // Unicode BMP
	binary.BigEndian.PutUint32(table[8:], 12) // at offset 12
	return append(table, sub...)
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
