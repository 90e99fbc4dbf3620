package letters

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// BenchmarkLetters compares the PDF library with headless Chromium printing
// the same provider letter's HTML twin (styled by CSS), reusing one browser
// and one tab, as a service would.
//
// The fonts are prepared once (fonts.go, encoding.go), so a letter's cost is
// its layout and gofpdf writing the pages; with gofpdf's Unicode font path,
// which parses and cuts each font again for every document, a letter took
// about six times as long.
func BenchmarkLetters(b *testing.B) {
	l := providerLetter()
	gofpdf := func(b *testing.B) {
		if _, err := PDF(l); err != nil {
			b.Fatal(err)
		}
	}

	b.Run("gofpdf", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			gofpdf(b)
		}
		report(b, "gofpdf", start)
	})

	// Not part of the comparison: what both cores give when letters are
	// rendered concurrently, as for concurrent requests to the service.
	b.Run("gofpdf-parallel", func(b *testing.B) {
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				gofpdf(b)
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "letters/s")
	})

	b.Run("chromium", func(b *testing.B) {
		chromium := startChromium(b, l)
		start := time.Now()
		for b.Loop() {
			chromium()
		}
		report(b, "chromium", start)
	})

	b.Run("ratio", func(b *testing.B) {
		fast, slow := lettersPerSecond["gofpdf"], lettersPerSecond["chromium"]
		if fast == 0 || slow == 0 {
			b.Skip("needs the gofpdf and chromium sub-benchmarks in the same run")
		}
		for b.Loop() {
		}
		b.ReportMetric(fast/slow, "x-faster")
		b.Logf("gofpdf %.0f letters/s, Chromium %.1f letters/s: gofpdf is %.1f× faster", fast, slow, fast/slow)
	})
}

// lettersPerSecond keeps each engine's rate from its sub-benchmark for the
// ratio. (Timing the two interleaved was tried: Chromium's work after each
// print then lands on gofpdf's clock on a two-core machine.)
var lettersPerSecond = map[string]float64{}

func report(b *testing.B, engine string, start time.Time) {
	rate := float64(b.N) / time.Since(start).Seconds()
	lettersPerSecond[engine] = rate
	b.ReportMetric(rate, "letters/s")
}

// startChromium starts headless Chromium with a local server for the
// letter's HTML and stylesheet, and returns a func that loads and prints the
// letter once. It skips the benchmark where there is no Chromium.
func startChromium(b *testing.B, l Letter) func() {
	b.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		b.Skip("no Chromium at " + chromiumPath)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/letter.html", func(w http.ResponseWriter, r *http.Request) {
		page, err := HTML(l, HTMLOptions{StylesheetURL: "/letters.css"})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	mux.HandleFunc("/letters.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		w.Header().Set("Cache-Control", "max-age=31536000, immutable")
		w.Write(CSS)
	})
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
	)
	ctx, cancel := chromedp.NewContext(actx)
	b.Cleanup(func() { cancel(); cancelAlloc() })
	// Start the browser and open the tab before anything is timed.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/letter.html")); err != nil {
		b.Fatal(err)
	}
	print := func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{
			PaperWidth: 8.27, PaperHeight: 11.69, // A4, in inches
			PrintBackground: new(true),
		})
		return res.Data, err
	}
	return func() {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/letter.html")); err != nil {
			b.Fatal(err)
		}
		pdf, err := chromedp.Run(ctx, print)
		if err != nil || len(pdf) == 0 {
			b.Fatalf("print: %v (%d bytes)", err, len(pdf))
		}
	}
}
