package letters

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
)

// The fonts are subsets of DejaVu Sans made with pyftsubset (fonts/README.md
// says how). Subsetting keeps the per-letter font work small: the PDF library
// parses and re-subsets each font for every document, and offers no way to
// share a parsed font between documents.
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

// covered holds the code points both fonts can draw, read from the fonts
// themselves so that remaking the subset can never let a missing glyph
// through. Parsing also fails fast on a broken font file, which the PDF
// library would only print to standard output.
var covered = func() *glyphSet {
	reg, err := cmapCoverage(fontRegular)
	if err != nil {
		panic(fmt.Sprintf("letters: regular font: %v", err))
	}
	bold, err := cmapCoverage(fontBold)
	if err != nil {
		panic(fmt.Sprintf("letters: bold font: %v", err))
	}
	for i := range reg {
		reg[i] &= bold[i]
	}
	return reg
}()

// cmapCoverage reads a TrueType font's Unicode BMP cmap (format 4), the
// table the PDF library itself uses to find glyphs.
func cmapCoverage(ttf []byte) (*glyphSet, error) {
	errShort := errors.New("truncated font")
	u16 := func(off int) (int, error) {
		if off < 0 || off+2 > len(ttf) {
			return 0, errShort
		}
		return int(binary.BigEndian.Uint16(ttf[off:])), nil
	}
	u32 := func(off int) (int, error) {
		if off < 0 || off+4 > len(ttf) {
			return 0, errShort
		}
		return int(binary.BigEndian.Uint32(ttf[off:])), nil
	}
	if v, err := u32(0); err != nil || v != 0x00010000 {
		return nil, errors.New("not a TrueType font")
	}
	numTables, err := u16(4)
	if err != nil {
		return nil, err
	}
	cmap := -1
	for i := range numTables {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, errShort
		}
		if string(ttf[rec:rec+4]) == "cmap" {
			if cmap, err = u32(rec + 8); err != nil {
				return nil, err
			}
		}
	}
	if cmap < 0 {
		return nil, errors.New("no cmap table")
	}
	n, err := u16(cmap + 2)
	if err != nil {
		return nil, err
	}
	sub := -1
	for i := range n {
		rec := cmap + 4 + 8*i
		platform, err1 := u16(rec)
		encoding, err2 := u16(rec + 2)
		off, err3 := u32(rec + 4)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, err
		}
		if format, err := u16(cmap + off); err == nil && format == 4 && (platform == 0 || platform == 3 && encoding == 1) {
			sub = cmap + off
			break
		}
	}
	if sub < 0 {
		return nil, errors.New("no Unicode BMP (format 4) cmap")
	}
	segX2, err := u16(sub + 6)
	if err != nil {
		return nil, err
	}
	ends, starts := sub+14, sub+16+segX2
	deltas, rangeOffs := starts+segX2, starts+2*segX2
	var g glyphSet
	for s := 0; s < segX2; s += 2 {
		end, err1 := u16(ends + s)
		start, err2 := u16(starts + s)
		delta, err3 := u16(deltas + s)
		ro, err4 := u16(rangeOffs + s)
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return nil, err
		}
		for c := start; c <= end && c != 0xFFFF; c++ {
			glyph := (c + delta) & 0xFFFF
			if ro != 0 {
				// idRangeOffset is relative to its own position in the table.
				id, err := u16(rangeOffs + s + ro + 2*(c-start))
				if err != nil {
					return nil, err
				}
				glyph = 0
				if id != 0 {
					glyph = (id + delta) & 0xFFFF
				}
			}
			if glyph != 0 {
				g[c/64] |= 1 << (c % 64)
			}
		}
	}
	return &g, nil
}
