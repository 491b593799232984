// Command bench measures Salon under load, end to end, on one machine. It builds the salon binary, seeds a fresh
// SQLite site through Salon's own store and writing workflow (one post with many comments, a third of them replies,
// and many other posts), starts `salon serve` on 127.0.0.1 and drives it with concurrent keep-alive connections for
// a fixed time per scenario: the post page, the home page, the site feed, a 404, and a mixed run in which a share
// of the requests post a comment through the post page's own form. The post page's exact bytes, served by Go's
// http.FileServer (and by nginx when it is installed), are the baseline each figure is compared with.
//
//	go run ./bench             # the default run: what `make bench` does
//	go run ./bench -scaling    # the scaling curve: what `make bench-scaling` does
//
// The load generator runs on the same machine as Salon and competes with it for the same CPUs, as does the
// in-process static baseline; docs/performance.md says how to read the figures. Nothing here asserts a time: the
// benchmark reports figures and compares them with the targets, and the smoke test only checks that it works.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// config is one benchmark run's shape.
type config struct {
	Posts    int // posts besides the one with the comments
	Comments int // comments seeded on the benchmarked post
	// FlatCategories files every post under a top-level category: no subcategories.
	FlatCategories bool
	Duration       time.Duration // measured time per scenario
	Warmup         time.Duration // unmeasured time before each scenario
	Conns          int           // concurrent connections, one request at a time each
	WriteShare     float64       // share of the mixed run's requests that post a comment
	CommentRate    float64       // comment posts a second in the mixed run instead of a share, when above 0
	Nginx          bool          // add the nginx baseline when nginx is installed
	Salon          string        // the salon binary to run; "" builds one from this module
	ServeArgs      []string      // extra flags for `salon serve`
	Settings       []setting     // extra site settings, applied after the benchmark's own
	Starts         int           // cold starts measured (the last one serves the run)
	Keep           bool          // keep the temporary directory
	Progress       io.Writer     // progress lines; the report goes elsewhere
}

// setting is a site setting given on the command line as key=value.
type setting struct{ Key, Value string }

func defaultConfig() config {
	return config{
		Posts: 1000, Comments: 300, Duration: 10 * time.Second, Warmup: time.Second, Conns: 64, WriteShare: 0.05,
		Nginx: true, Starts: 3, Progress: os.Stderr,
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.IntVar(&cfg.Posts, "posts", cfg.Posts, "posts besides the benchmarked one")
	fs.IntVar(&cfg.Comments, "comments", cfg.Comments, "comments on the benchmarked post (a third of them replies)")
	fs.BoolVar(&cfg.FlatCategories, "flat-categories", false,
		"file posts under top-level categories only, no subcategories (see docs/performance.md)")
	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "measured time per scenario")
	fs.DurationVar(&cfg.Warmup, "warmup", cfg.Warmup, "unmeasured time before each scenario")
	fs.IntVar(&cfg.Conns, "conns", cfg.Conns, "concurrent connections")
	fs.Float64Var(&cfg.WriteShare, "write-share", cfg.WriteShare, "share of the mixed run's requests that post a comment")
	fs.Float64Var(&cfg.CommentRate, "comment-rate", 0, "comment posts a second in the mixed run, at a steady rate, instead of -write-share")
	noNginx := fs.Bool("no-nginx", false, "skip the nginx baseline even when nginx is installed")
	fs.StringVar(&cfg.Salon, "salon", "", "a salon binary to benchmark (default: build ./cmd/salon of this module)")
	serveArgs := fs.String("serve-args", "", "extra flags for `salon serve`, space-separated (such as a cache switch)")
	fs.Func("set", "a site setting KEY=VALUE to apply after the benchmark's own (repeatable)", func(s string) error {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return fmt.Errorf("%q: use KEY=VALUE", s)
		}
		cfg.Settings = append(cfg.Settings, setting{k, v})
		return nil
	})
	fs.IntVar(&cfg.Starts, "starts", cfg.Starts, "cold starts to measure; the last one serves the run")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the temporary directory (database, page, logs)")
	scaling := fs.Bool("scaling", false, "run the scaling curve instead of one run")
	scalePosts := fs.String("scaling-posts", "10,1000,100000", "post counts of the scaling curve (with -comments comments)")
	scaleComments := fs.String("scaling-comments", "10,300,3000", "comment counts of the scaling curve (with -posts posts)")
	jsonOut := fs.String("json", "", "also write the results as JSON to this file")
	label := fs.String("label", "", "a note printed with the results, such as \"page cache off\"")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg.Nginx = !*noNginx
	cfg.ServeArgs = strings.Fields(*serveArgs)
	if err := cfg.check(); err != nil {
		return err
	}

	work, err := os.MkdirTemp("", "salon-bench-")
	if err != nil {
		return err
	}
	defer func() {
		if cfg.Keep {
			fmt.Fprintf(cfg.Progress, "kept %s\n", work)
			return
		}
		if err := os.RemoveAll(work); err != nil {
			fmt.Fprintf(cfg.Progress, "bench: could not remove %s: %v\n", work, err)
		}
	}()
	if cfg.Salon == "" {
		fmt.Fprintln(cfg.Progress, "building salon…")
		if cfg.Salon, err = buildSalon(ctx, work); err != nil {
			return err
		}
	}
	command := "go run ./bench"
	if len(args) > 0 {
		command += " " + strings.Join(args, " ")
	}
	m := describeMachine(ctx)

	if !*scaling {
		rep, err := benchmark(ctx, cfg, work)
		if err != nil {
			return err
		}
		rep.Command, rep.Label, rep.Machine = command, *label, m
		rep.Targets = rep.targets()
		rep.write(stdout)
		return writeJSON(*jsonOut, rep)
	}

	posts, err := intList(*scalePosts)
	if err != nil {
		return fmt.Errorf("-scaling-posts: %w", err)
	}
	comments, err := intList(*scaleComments)
	if err != nil {
		return fmt.Errorf("-scaling-comments: %w", err)
	}
	sc := scalingReport{Command: command, Label: *label, Machine: m, Conns: cfg.Conns, Duration: cfg.Duration.String()}
	done := map[[2]int]*report{}
	measure := func(p, c int) (*report, error) {
		if r, ok := done[[2]int{p, c}]; ok {
			return r, nil
		}
		one := cfg
		one.Posts, one.Comments = p, c
		fmt.Fprintf(cfg.Progress, "== %d posts, %d comments\n", p, c)
		dir, err := os.MkdirTemp(work, fmt.Sprintf("p%d-c%d-", p, c))
		if err != nil {
			return nil, err
		}
		r, err := benchmark(ctx, one, dir)
		if err != nil {
			return nil, fmt.Errorf("%d posts, %d comments: %w", p, c, err)
		}
		r.Command, r.Label, r.Machine = command, *label, m
		r.Targets = r.targets()
		done[[2]int{p, c}] = r
		if !cfg.Keep { // a site of 100,000 posts takes hundreds of megabytes
			if err := os.RemoveAll(dir); err != nil {
				return nil, err
			}
		}
		return r, nil
	}
	for _, p := range posts {
		r, err := measure(p, cfg.Comments)
		if err != nil {
			return err
		}
		sc.ByPosts = append(sc.ByPosts, r)
	}
	for _, c := range comments {
		r, err := measure(cfg.Posts, c)
		if err != nil {
			return err
		}
		sc.ByComments = append(sc.ByComments, r)
	}
	sc.Targets = sc.targets()
	sc.write(stdout)
	return writeJSON(*jsonOut, sc)
}

func (c config) check() error {
	switch {
	case c.Posts < 0 || c.Comments < 0:
		return errors.New("-posts and -comments cannot be negative")
	case c.Conns < 1:
		return errors.New("-conns must be at least 1")
	case c.Duration <= 0 || c.Warmup < 0:
		return errors.New("-duration must be positive and -warmup not negative")
	case c.WriteShare < 0 || c.WriteShare >= 1:
		return errors.New("-write-share is a share from 0 to below 1, such as 0.05")
	case c.CommentRate < 0:
		return errors.New("-comment-rate cannot be negative")
	case c.Starts < 1:
		return errors.New("-starts must be at least 1")
	}
	return nil
}

func intList(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(f, "_", "")))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%q is not a count", f)
		}
		out = append(out, n)
	}
	return out, nil
}
