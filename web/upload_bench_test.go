package web_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkUnauthenticatedUploads replays the review's attack: 30 parallel
// 20 MiB multipart uploads to /lead/directory/import with a valid CSRF
// cookie and token but no session. It reports the peak memory the Go
// runtime held from the operating system (total less released) while they
// ran, in MB; the target is under 150 MB (docs/benchmarks.md).
func BenchmarkUnauthenticatedUploads(b *testing.B) {
	e := newBenchEnv(b)
	jar := &http.Client{}
	res, err := jar.Get(e.URL + "/sign-in")
	if err != nil {
		b.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	tok := string(regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(page)[1])
	var csrf string
	for _, ck := range res.Cookies() {
		if ck.Name == "kith_csrf" {
			csrf = ck.Value
		}
	}
	head := "--x\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + tok +
		"\r\n--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.json\"\r\nContent-Type: application/json\r\n\r\n"
	runtime.GC()
	base := goMemory()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if m := goMemory(); m > peak.Load() {
					peak.Store(m)
				}
			}
		}
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var wg sync.WaitGroup
		for j := 0; j < 30; j++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := &countingBody{left: 20<<20 - int64(len(head)) - 8, head: []byte(head)}
				req, _ := http.NewRequestWithContext(context.Background(), "POST", e.URL+"/lead/directory/import", io.NopCloser(body))
				req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
				req.Header.Set("Cookie", "kith_csrf="+csrf)
				client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				if res, err := client.Do(req); err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				} else if !strings.Contains(err.Error(), "connection reset") && !strings.Contains(err.Error(), "broken pipe") {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	close(stop)
	<-sampled
	b.ReportMetric(float64(base)/1e6, "MB-before")
	b.ReportMetric(float64(peak.Load())/1e6, "MB-peak")
}

// goMemory is the memory the Go runtime holds from the operating system
// now: what it mapped, less what it has given back.
func goMemory() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() - s[1].Value.Uint64()
}
