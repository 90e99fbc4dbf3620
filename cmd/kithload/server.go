package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/kith-project/kith/internal/gen"
)

// server is a kith process this tool started.
type server struct {
	bin, db, addr string
	cmd           *exec.Cmd
	peakRSS       atomic.Int64
	stopSample    chan struct{}
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func startServer(ctx context.Context, bin, db, addr string) (*server, error) {
	s := &server{bin: bin, db: db, addr: addr, stopSample: make(chan struct{})}
	s.cmd = exec.CommandContext(ctx, bin, "serve", "--demo", "--db", db, "--addr", addr)
	s.cmd.Env = append(os.Environ(), "KITH_API_RATE=100000", "KITH_LOG_LEVEL=ERROR")
	s.cmd.Stdout, s.cmd.Stderr = io.Discard, io.Discard
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start kith: %w", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				go s.sampleMemory()
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.kill()
	return nil, errors.New("kith did not become healthy within 60s")
}

// sampleMemory records the server's peak resident memory from /proc.
func (s *server) sampleMemory() {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.stopSample:
			return
		case <-t.C:
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				f := strings.Fields(line)
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil && kb*1024 > s.peakRSS.Load() {
					s.peakRSS.Store(kb * 1024)
				}
			}
		}
	}
}

func (s *server) kill() {
	close(s.stopSample)
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_, _ = s.cmd.Process.Wait()
}

func (s *server) stop() {
	close(s.stopSample)
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _, _ = s.cmd.Process.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
	}
}

func (s *server) token(role string) (string, error) {
	out, err := exec.Command(s.bin, "token", "create", "--db", s.db, "--site", "demo", "--role", role).Output()
	if err != nil {
		return "", fmt.Errorf("token create: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// request is one screening submission with its idempotency key.
type request struct {
	key  string
	body []byte
}

func requests(n int, seed uint64) []request {
	rng := rand.New(rand.NewPCG(seed, 11))
	out := make([]request, n)
	for i := range out {
		b, _ := json.Marshal(gen.Screening(rng, i))
		out[i] = request{key: fmt.Sprintf("load-%d-%d", seed, i), body: b}
	}
	return out
}

// result is what one submission got.
type result struct {
	key     string
	status  int
	id      string
	body    []byte // as sent: gzipped when gzip is true
	gzip    bool
	latency time.Duration
	err     error
}

// plain returns the answer's body uncompressed.
func (r result) plain() ([]byte, error) {
	if !r.gzip {
		return r.body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.body))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

var client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

func submit(ctx context.Context, base, token string, r request) result {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/screenings", bytes.NewReader(r.body))
	if err != nil {
		return result{key: r.key, err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", r.key)
	// Ask for gzip as a browser or an integration would, but keep the
	// answer compressed: a check that needs the body inflates it later
	// (result.plain), so the tool spends little of the CPU it shares
	// with the server.
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := client.Do(req)
	if err != nil {
		return result{key: r.key, err: err, latency: time.Since(start)}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	out := result{key: r.key, status: res.StatusCode, body: body, gzip: res.Header.Get("Content-Encoding") == "gzip", latency: time.Since(start), err: err}
	// The new record's id is in Location, so the tool need not decode
	// every answer (its CPU is the server's too on one machine).
	if loc := res.Header.Get("Location"); loc != "" {
		out.id = path.Base(loc)
	}
	return out
}

// drive sends reqs with conc workers, at most rate a second when rate > 0,
// for at most dur, and returns what each got.
func drive(ctx context.Context, base, token string, reqs []request, conc int, rate float64, dur time.Duration) []result {
	ctx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()
	var next atomic.Int64
	var mu sync.Mutex
	var out []result
	var tick <-chan time.Time
	if rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / rate))
		defer t.Stop()
		tick = t.C
	}
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if tick != nil {
					select {
					case <-tick:
					case <-ctx.Done():
						return
					}
				}
				i := int(next.Add(1)) - 1
				if i >= len(reqs) || ctx.Err() != nil {
					return
				}
				r := submit(ctx, base, token, reqs[i])
				if ctx.Err() != nil && r.err != nil {
					return
				}
				mu.Lock()
				out = append(out, r)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

type stats struct {
	n, errors     int
	seconds       float64
	p50, p95, p99 time.Duration
}

func summarise(rs []result, seconds float64) stats {
	s := stats{seconds: seconds}
	var lat []time.Duration
	for _, r := range rs {
		if r.err != nil || (r.status != 200 && r.status != 201) {
			s.errors++
			continue
		}
		s.n++
		lat = append(lat, r.latency)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pick := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(p*float64(len(lat)-1))]
	}
	s.p50, s.p95, s.p99 = pick(.50), pick(.95), pick(.99)
	return s
}

func (s stats) throughput() float64 { return float64(s.n) / s.seconds }

func tempDB() (string, func(), error) {
	dir, err := os.MkdirTemp("", "kithload-")
	if err != nil {
		return "", nil, err
	}
	return filepath.Join(dir, "kith.db"), func() { os.RemoveAll(dir) }, nil
}
