package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// newClient is the load generator's HTTP client: keep-alive connections, as many as workers, no compression (the
// static baselines do not compress either) and no redirects followed (a redirect is an answer to measure).
func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// series is what one kind of request did in a run.
type series struct {
	latencies []time.Duration // of the requests that got the expected answer
	bytes     int64
	errors    int
	failures  map[string]int // what went wrong, counted: "status 429", "transport: …"
	examples  []string       // the first few failures in detail
}

func (s *series) fail(what, detail string) {
	s.errors++
	if s.failures == nil {
		s.failures = map[string]int{}
	}
	s.failures[what]++
	if len(s.examples) < 3 && detail != "" {
		s.examples = append(s.examples, detail)
	}
}

func (s *series) merge(o *series) {
	s.latencies = append(s.latencies, o.latencies...)
	s.bytes += o.bytes
	s.errors += o.errors
	for k, v := range o.failures {
		if s.failures == nil {
			s.failures = map[string]int{}
		}
		s.failures[k] += v
	}
	for _, e := range o.examples {
		if len(s.examples) < 3 {
			s.examples = append(s.examples, e)
		}
	}
}

// worker is one simulated connection: it makes one request at a time.
type worker struct {
	id      int
	client  *http.Client
	rng     *rand.Rand
	page    bytes.Buffer // the body of the last page read: the page a reader's comment is written on
	from    time.Time    // when the measured window opens
	results map[string]*series
	posted  []int64 // IDs of the comments Salon accepted
	owed    int     // a comment post is due in the mixed run and not yet made (0 or 1)
}

func (w *worker) series(kind string) *series {
	s, ok := w.results[kind]
	if !ok {
		s = &series{}
		w.results[kind] = s
	}
	return s
}

// readerIP is the address a worker's reads come from (X-Forwarded-For): one per simulated reader.
func (w *worker) readerIP() string { return fmt.Sprintf("10.255.%d.%d", w.id>>8&255, w.id&255) }

// get fetches url into w.page and records it as kind, expecting the status want, which it reports it got.
func (w *worker) get(ctx context.Context, kind, url string, want int) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		w.series(kind).fail("bad request", err.Error())
		return false
	}
	req.Header.Set("User-Agent", "salon-bench/1 (reader)")
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	req.Header.Set("X-Forwarded-For", w.readerIP())
	w.page.Reset()
	start := time.Now()
	resp, err := w.client.Do(req)
	if err == nil {
		_, err = w.page.ReadFrom(resp.Body)
		resp.Body.Close()
	}
	took := time.Since(start)
	ok := err == nil && resp.StatusCode == want
	if !w.counts() {
		return ok
	}
	s := w.series(kind)
	switch {
	case err != nil && ctx.Err() != nil:
		// Interrupted: not a failure of the server.
	case err != nil:
		s.fail("transport error", err.Error())
	case resp.StatusCode != want:
		s.fail(fmt.Sprintf("status %d", resp.StatusCode), fmt.Sprintf("GET %s: %s", url, resp.Status))
	default:
		s.latencies = append(s.latencies, took)
		s.bytes += int64(w.page.Len())
	}
	return ok
}

// counts reports whether a request that ends now is measured: one that ends inside the measured window, or after
// it (no request starts after it), even if it started during the warm-up. So a request that hangs from the warm-up
// until its timeout counts as the failure it is.
func (w *worker) counts() bool { return !time.Now().Before(w.from) }

// step makes one request (or one reader's action) on a worker.
type step func(ctx context.Context, w *worker)

// outcome is a finished run: what each kind of request did, over how long.
type outcome struct {
	elapsed time.Duration // from the start of the measured window until the last request ended
	kinds   map[string]*series
	posted  []int64
}

// drive runs step on conns workers at once: unmeasured during warmup, then measured for duration. The requests
// that end after the window opens count; none starts after it closes, and the elapsed time runs until the last
// ends. atStart is called when the measured window opens, and has returned when drive does.
func drive(ctx context.Context, client *http.Client, conns int, warmup, duration time.Duration, seed uint64, do step,
	atStart func()) outcome {
	begin := time.Now()
	from, until := begin.Add(warmup), begin.Add(warmup+duration)
	opened := make(chan struct{})
	timer := time.AfterFunc(warmup, func() {
		atStart()
		close(opened)
	})
	workers := make([]*worker, conns)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{id: i, client: client, rng: rand.New(rand.NewPCG(seed, uint64(i))), from: from, results: map[string]*series{}}
		workers[i] = w
		wg.Go(func() {
			for ctx.Err() == nil {
				if !time.Now().Before(until) {
					return
				}
				do(ctx, w)
			}
		})
	}
	wg.Wait()
	if !timer.Stop() {
		<-opened
	}
	out := outcome{elapsed: time.Since(from), kinds: map[string]*series{}}
	for _, w := range workers {
		for k, s := range w.results {
			if out.kinds[k] == nil {
				out.kinds[k] = &series{}
			}
			out.kinds[k].merge(s)
		}
		out.posted = append(out.posted, w.posted...)
	}
	client.CloseIdleConnections()
	return out
}

// figure is one kind of request's result.
type figure struct {
	Scenario  string         `json:"scenario"`
	Target    string         `json:"target"` // what answered: salon, fileserver or nginx
	Requests  int            `json:"requests"`
	Errors    int            `json:"errors"`
	Failures  map[string]int `json:"failures,omitempty"`
	Examples  []string       `json:"failure_examples,omitempty"`
	PerSecond float64        `json:"req_per_sec"`
	P50       float64        `json:"p50_ms"`
	P90       float64        `json:"p90_ms"`
	P99       float64        `json:"p99_ms"`
	Max       float64        `json:"max_ms"`
	MeanBytes int64          `json:"mean_bytes"`
	// VsFileServer and VsNginx are PerSecond as a share of the static baselines' on the post page's bytes.
	VsFileServer float64 `json:"vs_fileserver,omitempty"`
	VsNginx      float64 `json:"vs_nginx,omitempty"`
	PeakRSS      int64   `json:"peak_rss_bytes,omitempty"` // salon's, during this scenario
	// CPU is who used the machine's CPUs during the measured window.
	CPU cpuShare `json:"cpu"`
	// SalonCPU is the CPU time salon spent per request answered as expected: what a request costs, whatever else
	// ran on the machine.
	SalonCPU float64 `json:"salon_cpu_ms_per_request,omitempty"`
	Seconds  float64 `json:"seconds"` // the measured window, until its last request ended
}

func (o outcome) figure(scenario, target, kind string) figure {
	f := figure{Scenario: scenario, Target: target}
	s := o.kinds[kind]
	if s == nil {
		return f
	}
	slices.Sort(s.latencies)
	f.Requests, f.Errors, f.Failures, f.Examples = len(s.latencies)+s.errors, s.errors, s.failures, s.examples
	f.Seconds = o.elapsed.Seconds()
	f.PerSecond = float64(len(s.latencies)) / f.Seconds
	f.P50, f.P90, f.P99 = ms(percentile(s.latencies, 50)), ms(percentile(s.latencies, 90)), ms(percentile(s.latencies, 99))
	if n := len(s.latencies); n > 0 {
		f.Max = ms(s.latencies[n-1])
		f.MeanBytes = s.bytes / int64(n)
	}
	return f
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
