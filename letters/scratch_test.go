package letters

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/jung-kurt/gofpdf"
)

func render(b *testing.B, reg, bold []byte) {
	f := gofpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(time.Unix(0, 0))
	f.SetModificationDate(time.Unix(0, 0))
	f.AddUTF8FontFromBytes("dv", "", reg)
	f.AddUTF8FontFromBytes("dv", "B", bold)
	f.AddPage()
	f.SetFont("dv", "B", 16)
	f.Cell(0, 10, "Siân Ó Súilleabháin £ Łucja Wiśniewska Zoë Müller")
	f.SetFont("dv", "", 12)
	for i := 0; i < 40; i++ {
		f.SetXY(20, float64(30+i*6))
		f.Cell(0, 6, "The quick brown fox jumps over the lazy dog – “quoted” text")
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkScratch(b *testing.B) {
	for _, v := range []struct{ name, r, bo string }{
		{"full", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"},
		{"base", "/tmp/fs/base.ttf", "/tmp/fs/base-Bold.ttf"},
		{"grcy", "/tmp/fs/grcy.ttf", "/tmp/fs/grcy-Bold.ttf"},
	} {
		r, _ := os.ReadFile(v.r)
		bo, _ := os.ReadFile(v.bo)
		b.Run(v.name, func(b *testing.B) {
			for b.Loop() {
				render(b, r, bo)
			}
		})
	}
}
