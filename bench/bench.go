package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// Scenarios, in the order they run. The mixed run comes last: the comments it posts make the post page longer.
const (
	scenarioFileServer = "static: FileServer"
	scenarioNginx      = "static: nginx"
	scenarioPost       = "post page"
	scenarioHome       = "home page"
	scenarioFeed       = "site feed"
	scenario404        = "404"
	scenarioMixedRead  = "mixed: post page"
	scenarioMixedPost  = "mixed: comment posts"
	// scenarioPostAfter reads the post page again after the mixed run, with the comments it added.
	scenarioPostAfter = "post page after the mixed run"
)

// missingPath is a URL that names nothing, for the 404 scenario.
const missingPath = "/no-such-page-anywhere/"

// benchmark is one full run in dir: seed, start, measure every scenario, check the comments, stop.
func benchmark(ctx context.Context, cfg config, dir string) (rep *report, err error) {
	rep = &report{LoadBefore: loadAverage(), Posts: cfg.Posts, Comments: cfg.Comments, FlatCategories: cfg.FlatCategories,
		Conns: cfg.Conns, Duration: cfg.Duration.String(), Warmup: cfg.Warmup.String(), WriteShare: cfg.WriteShare, CommentRate: cfg.CommentRate,
		ServeArgs: cfg.ServeArgs}
	r := &session{cfg: cfg, rep: rep, client: newClient(cfg.Conns)}

	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o750); err != nil {
		return nil, err
	}
	dbPath := filepath.Join(data, store.DefaultDatabaseFile)
	r.logf("seeding %d posts and %d comments…", cfg.Posts, cfg.Comments)
	s, err := seed(ctx, dbPath, cfg.Posts, cfg.Comments, cfg.FlatCategories, cfg.Settings, cfg.Progress)
	if err != nil {
		return nil, err
	}
	rep.SeedSeconds = s.Took.Seconds()
	r.logf("seeded in %.1f s; the post is %s", rep.SeedSeconds, s.PostPath)

	// Cold starts: each a fresh process on the same database; the last one serves the run.
	for i := range cfg.Starts {
		p, cs, err := startSalon(ctx, cfg.Salon, data, cfg.ServeArgs, filepath.Join(dir, fmt.Sprintf("salon-%d.log", i+1)), s.PostPath)
		if err != nil {
			return nil, err
		}
		rep.ColdStarts = append(rep.ColdStarts, coldStartMS{Healthz: ms(cs.Healthz), Page: ms(cs.Page), CPU: ms(cs.CPU)})
		if i == cfg.Starts-1 {
			r.salon = p
			r.logf("salon started (cold start %.0f ms to /healthz, %.0f ms to the post page)", ms(cs.Healthz), ms(cs.Page))
			break
		}
		if err := p.stop(30 * time.Second); err != nil {
			return nil, err
		}
	}
	defer func() { err = errors.Join(err, r.salon.stop(30*time.Second)) }()
	// Should salon exit during the run, the run stops and says so, rather than measure a closed port.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-r.salon.exited:
			cancel()
		case <-ctx.Done():
		}
	}()

	// The static baselines serve the post page's exact bytes.
	pageURL := r.salon.base + s.PostPath
	page, err := fetch(ctx, pageURL)
	if err != nil {
		return nil, err
	}
	rep.PageBytes = len(page)
	static := filepath.Join(dir, "static")
	if err := writeStatic(dir, static, page); err != nil {
		return nil, err
	}
	fileServer, err := startFileServer(static)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, fileServer.stop()) }()
	var nginx *process
	if cfg.Nginx {
		if nginx, rep.NginxSkipped, err = startNginx(ctx, dir, static); err != nil {
			return nil, err
		}
	} else {
		rep.NginxSkipped = "skipped: -no-nginx"
	}
	if nginx != nil {
		defer func() { err = errors.Join(err, nginx.stop(10*time.Second)) }()
	}
	if rep.NginxSkipped != "" {
		r.logf("nginx baseline %s", rep.NginxSkipped)
	}

	type scenario struct {
		name, target, url string
		want              int
	}
	scenarios := []scenario{{scenarioFileServer, "fileserver", fileServer.url, http.StatusOK}}
	if nginx != nil {
		scenarios = append(scenarios, scenario{scenarioNginx, "nginx", nginx.base + "/" + staticFile, http.StatusOK})
	}
	scenarios = append(scenarios,
		scenario{scenarioPost, "salon", pageURL, http.StatusOK},
		scenario{scenarioHome, "salon", r.salon.base + "/", http.StatusOK},
		scenario{scenarioFeed, "salon", r.salon.base + "/feed/", http.StatusOK},
		scenario{scenario404, "salon", r.salon.base + missingPath, http.StatusNotFound},
	)
	for i, sc := range scenarios {
		o, err := r.measure(ctx, sc.name, sc.target, cfg.Warmup, uint64(i+1), get(sc.url, sc.want))
		if err != nil {
			return nil, err
		}
		r.add(o.figure(sc.name, sc.target, "get"))
	}

	o, who, err := r.mixed(ctx, pageURL, s.FormDelay)
	if err != nil {
		return nil, err
	}
	if rep.Check, err = checkComments(ctx, dbPath, s, o.posted); err != nil {
		return nil, err
	}
	rep.Check.Submitted = int(who.n.Load())

	// The page the mixed run read grew as it ran: read-only again on the grown page, to compare the mixed run's
	// reads with the read-only throughput before and after it.
	if o, err = r.measure(ctx, scenarioPostAfter, "salon", cfg.Warmup, 30, get(pageURL, http.StatusOK)); err != nil {
		return nil, err
	}
	r.add(o.figure(scenarioPostAfter, "salon", "get"))
	rep.finish()
	return rep, nil
}

// session is a benchmark run under way: the salon it measures and the report it fills.
type session struct {
	cfg    config
	rep    *report
	salon  *process
	client *http.Client
	cpu    cpuShare // during the last window measured
}

func (r *session) logf(format string, args ...any) { fmt.Fprintf(r.cfg.Progress, format+"\n", args...) }

// get is a step that fetches url, expecting the status want.
func get(url string, want int) step {
	return func(ctx context.Context, w *worker) { w.get(ctx, "get", url, want) }
}

// measure drives one scenario against target (salon, fileserver or nginx), with salon's peak RSS reset before and
// the CPU shares of the measured window kept in r.cpu.
func (r *session) measure(ctx context.Context, name, target string, warmup time.Duration, seed uint64, do step) (outcome, error) {
	r.logf("measuring %s for %s at %d connections…", name, r.cfg.Duration, r.cfg.Conns)
	pid := r.salon.cmd.Process.Pid
	if target == "salon" {
		if err := resetPeakRSS(pid); err != nil {
			r.rep.RSSNote = "peak RSS is for the whole run: " + err.Error()
		}
	}
	var before cpuTimes
	var beforeErr error
	o := drive(ctx, r.client, r.cfg.Conns, warmup, r.cfg.Duration, seed, do, func() { before, beforeErr = readCPU(pid) })
	if err := finished(ctx, r.salon, name); err != nil {
		return o, err
	}
	after, err := readCPU(pid)
	if err = errors.Join(beforeErr, err); err != nil {
		r.cpu, r.rep.CPUNote = cpuShare{}, "CPU shares not measured: "+err.Error()
	} else {
		r.cpu = shareOf(before, after)
	}
	return o, nil
}

// add puts f in the report with the last window's CPU shares and, for salon, its CPU time per request (counting
// the requests of also, made in the same window) and its peak RSS.
func (r *session) add(f figure, also ...figure) {
	f.CPU = r.cpu
	if f.Target == "salon" {
		ok := f.Requests - f.Errors
		for _, a := range also {
			ok += a.Requests - a.Errors
		}
		if ok > 0 {
			f.SalonCPU = 1000 * r.cpu.Salon * float64(runtime.NumCPU()) * f.Seconds / float64(ok)
		}
		if rss, err := peakRSS(r.salon.cmd.Process.Pid); err == nil {
			f.PeakRSS = rss
			r.rep.PeakRSS = max(r.rep.PeakRSS, rss)
		}
	}
	r.rep.Figures = append(r.rep.Figures, f)
}

// mixed is the mixed run. Readers read the post page; some of them, after reading, type a comment and post it from
// the form of the page they read, once they have typed for longer than Salon's least time to fill a form
// (formDelay). Each request is a comment post with the probability WriteShare, else a read; or, with CommentRate
// set, posts fall due at that steady rate, whatever the reads do. A post that falls due while no reader is done
// typing is made as soon as one is. Twice as many readers start typing as are needed; the others give up.
func (r *session) mixed(ctx context.Context, pageURL string, formDelay time.Duration) (outcome, *commenters, error) {
	share, rate := r.cfg.WriteShare, r.cfg.CommentRate
	who := &commenters{run: strconv.FormatInt(time.Now().UnixNano()%1e6, 36)}
	typing := formDelay + time.Second
	r.rep.Typing = typing.String()
	pending := &drafts{typing: typing}
	startShare := min(1, 2*share/(1-share)) // drafts started per read
	warmup := max(r.cfg.Warmup, typing)     // so that comments are ready when the window opens
	begin := time.Now()
	var claimed atomic.Int64 // posts that fell due, at a steady rate
	// due reports whether worker w is to post a comment. A post falls due only once the first readers can have
	// finished typing, and a worker owes at most one, so that no backlog builds up to be paid in a burst.
	due := func(w *worker) bool {
		typed := time.Since(begin) - typing
		if rate == 0 {
			return w.rng.Float64() < share && typed >= 0
		}
		n := claimed.Load()
		return float64(n) < rate*typed.Seconds() && claimed.CompareAndSwap(n, n+1)
	}
	if rate > 0 {
		// Enough readers type to post at the rate with as many to spare.
		want := int(2*rate*typing.Seconds()) + 2
		startShare = 1
		pending.limit = want
		r.logf("the mixed run: %g comment posts a second, each sent %s after its page was read, after %s of warm-up", rate, typing, warmup)
	} else {
		r.logf("the mixed run: %.0f%% comment posts, each sent %s after its page was read, after %s of warm-up", 100*share, typing, warmup)
	}
	o, err := r.measure(ctx, "the mixed run", "salon", warmup, 20, func(ctx context.Context, w *worker) {
		if w.owed == 0 && due(w) {
			w.owed = 1
		}
		if w.owed > 0 {
			if form, ok := pending.next(time.Now()); ok {
				w.owed = 0
				w.comment(ctx, "post", pageURL, form, who)
				return
			}
		}
		if !w.get(ctx, "read", pageURL, http.StatusOK) || w.rng.Float64() >= startShare || pending.full() {
			return
		}
		form, err := parseCommentForm(w.page.Bytes())
		if err != nil {
			if w.counts() {
				w.series("post").fail("no comment form", err.Error())
			}
			return
		}
		pending.start(form, time.Now())
	})
	if err != nil {
		return o, who, err
	}
	posts := o.figure(scenarioMixedPost, "salon", "post")
	r.add(o.figure(scenarioMixedRead, "salon", "read"), posts)
	r.rep.Figures = append(r.rep.Figures, posts)
	return o, who, nil
}

// finished reports why a scenario's run cannot be used: salon exited, or the benchmark was interrupted.
func finished(ctx context.Context, salon *process, scenario string) error {
	select {
	case <-salon.exited:
		return fmt.Errorf("salon exited during %s (%v):\n%s", scenario, salon.err, salon.logTail())
	default:
	}
	return ctx.Err()
}

// fetch GETs url and returns its body, which must come with a 200.
func fetch(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return b, nil
}

// commentCheck compares what the mixed run was told with what the database holds.
type commentCheck struct {
	Seeded    int `json:"seeded"`
	Submitted int `json:"submitted"` // comment forms posted, in and out of the measured window
	Accepted  int `json:"accepted"`  // answered 303 with the comment's address
	Stored    int `json:"stored"`    // comments on the post at the end, in any status
	Approved  int `json:"approved"`  // approved comments on the post at the end
	// Held are accepted comments that Salon's moderation did not publish (a classifier or a rule held them): not
	// lost, but not in the count of published comments either. HeldWhy counts their reasons.
	Held     int            `json:"held"`
	HeldWhy  map[string]int `json:"held_why,omitempty"`
	OK       bool           `json:"ok"` // every accepted comment is stored on the post, and nothing else is
	Problems []string       `json:"problems,omitempty"`
}

// checkComments reads the post's comments back through the store: every accepted comment must be there, on the
// post, and there must be nothing else new. Accepted comments that moderation held are counted apart.
func checkComments(ctx context.Context, dbPath string, s site, accepted []int64) (c commentCheck, err error) {
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return c, err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	c.Seeded, c.Accepted = s.Comments, len(accepted)
	if _, c.Approved, err = st.Comments(ctx, blog.CommentFilter{PostID: s.PostID, Status: blog.CommentApproved, Limit: 1}); err != nil {
		return c, err
	}
	if _, c.Stored, err = st.Comments(ctx, blog.CommentFilter{PostID: s.PostID, Limit: 1}); err != nil {
		return c, err
	}
	if want := c.Seeded + c.Accepted; c.Stored != want {
		c.Problems = append(c.Problems, fmt.Sprintf("%d comments on the post; %d seeded + %d accepted = %d", c.Stored, c.Seeded, c.Accepted, want))
	}
	if slices.Sort(accepted); len(slices.Compact(slices.Clone(accepted))) != len(accepted) {
		c.Problems = append(c.Problems, "two accepted comments were given the same ID")
	}
	missing := 0
	for _, id := range accepted {
		got, err := st.Comment(ctx, id)
		switch {
		case blog.ErrorCode(err) == blog.ENOTFOUND || (err == nil && got.PostID != s.PostID):
			missing++
		case err != nil:
			return c, err
		case got.Status != blog.CommentApproved:
			c.Held++
			if c.HeldWhy == nil {
				c.HeldWhy = map[string]int{}
			}
			c.HeldWhy[string(got.Status)+": "+heldReason(got.Moderation)]++
		}
	}
	if missing > 0 {
		c.Problems = append(c.Problems, fmt.Sprintf("%d accepted comments are missing from the post", missing))
	}
	if want := c.Seeded + c.Accepted - c.Held; c.Approved != want {
		c.Problems = append(c.Problems, fmt.Sprintf("%d approved comments on the post; %d seeded + %d accepted - %d held = %d",
			c.Approved, c.Seeded, c.Accepted, c.Held, want))
	}
	c.OK = len(c.Problems) == 0
	return c, nil
}

// heldReason is the kind of rule that held a comment, without the details that make each reason different (the
// score, the words): "held: 73% spam — words: …" is "held: spam classifier".
func heldReason(moderation string) string {
	switch {
	case strings.Contains(moderation, "% spam"):
		return "spam classifier"
	case moderation == "":
		return "no reason given"
	}
	reason, _, _ := strings.Cut(moderation, ";")
	if i := strings.IndexAny(reason, "0123456789\""); i > 0 {
		reason = reason[:i]
	}
	return strings.TrimSpace(reason)
}
