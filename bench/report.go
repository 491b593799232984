package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// report is one run's results.
type report struct {
	Label          string        `json:"label,omitempty"`
	Command        string        `json:"command"`
	Machine        machine       `json:"machine"`
	Posts          int           `json:"posts"`    // besides the benchmarked post
	Comments       int           `json:"comments"` // seeded on the benchmarked post
	FlatCategories bool          `json:"flat_categories,omitempty"`
	Conns          int           `json:"connections"`
	Duration       string        `json:"duration"`
	Warmup         string        `json:"warmup"`
	WriteShare     float64       `json:"write_share"`
	CommentRate    float64       `json:"comment_rate,omitempty"` // comment posts a second, when set instead of WriteShare
	Typing         string        `json:"typing"`                 // how long after reading the page a comment is posted
	ServeArgs      []string      `json:"serve_args,omitempty"`
	LoadBefore     string        `json:"load_average_before,omitempty"` // /proc/loadavg when the run began
	SeedSeconds    float64       `json:"seed_seconds"`
	PageBytes      int           `json:"page_bytes"`
	ColdStarts     []coldStartMS `json:"cold_starts"`
	NginxSkipped   string        `json:"nginx_skipped,omitempty"`
	Figures        []figure      `json:"figures"`
	PeakRSS        int64         `json:"peak_rss_bytes"` // salon's highest, over the measured scenarios
	RSSNote        string        `json:"rss_note,omitempty"`
	CPUNote        string        `json:"cpu_note,omitempty"`
	Check          commentCheck  `json:"comment_check"`
	// ReadDrop is how much fewer post pages a second the mixed run served than the read-only runs before and after
	// it did on average: 0.12 is 12% fewer.
	ReadDrop float64  `json:"read_drop"`
	Targets  []target `json:"targets"`
}

type coldStartMS struct {
	Healthz float64 `json:"healthz_ms"`
	Page    float64 `json:"post_page_ms"`
	// CPU is the CPU time salon had used when the post page first answered: what starting costs, whatever else
	// ran (to the kernel's 10 ms tick).
	CPU float64 `json:"cpu_ms"`
}

// target is one of the targets with what this run measured.
type target struct {
	What     string `json:"target"`
	Measured string `json:"measured"`
	Status   string `json:"status"` // met, not met, or n/a
}

func status(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}

func (r *report) figure(scenario string) (figure, bool) {
	i := slices.IndexFunc(r.Figures, func(f figure) bool { return f.Scenario == scenario })
	if i < 0 {
		return figure{}, false
	}
	return r.Figures[i], true
}

// finish compares Salon's figures with the static baselines and the mixed run's reads with the read-only run's.
func (r *report) finish() {
	fs, _ := r.figure(scenarioFileServer)
	ng, hasNginx := r.figure(scenarioNginx)
	for i := range r.Figures {
		f := &r.Figures[i]
		if f.Target != "salon" || f.Scenario == scenarioMixedPost {
			continue
		}
		if fs.PerSecond > 0 {
			f.VsFileServer = f.PerSecond / fs.PerSecond
		}
		if hasNginx && ng.PerSecond > 0 {
			f.VsNginx = f.PerSecond / ng.PerSecond
		}
	}
	if base := r.readOnly(); base > 0 {
		mixed, _ := r.figure(scenarioMixedRead)
		r.ReadDrop = 1 - mixed.PerSecond/base
	}
}

// readOnly is the read-only post page throughput the mixed run's reads compare with: the mean of the runs before
// and after it, since the page grew from the one to the other while the mixed run read it.
func (r *report) readOnly() float64 {
	before, _ := r.figure(scenarioPost)
	after, ok := r.figure(scenarioPostAfter)
	if !ok || before.PerSecond == 0 || after.PerSecond == 0 {
		return before.PerSecond
	}
	return (before.PerSecond + after.PerSecond) / 2
}

// otherCPU is the largest share of the CPUs that programs other than salon and the benchmark used in a window in
// which salon answered, nginx's aside.
func (r *report) otherCPU() float64 {
	worst := 0.0
	for _, f := range r.Figures {
		// nginx is another program; and while salon stalled, others were welcome to the CPUs it left.
		if f.Target != "nginx" && f.Requests > f.Errors && !(f.Target == "salon" && f.CPU.Salon < 0.05) {
			worst = max(worst, f.CPU.Other)
		}
	}
	return worst
}

// readChange is how the mixed run's post page throughput compares with the read-only run's, in words.
func (r *report) readChange() string {
	if r.readOnly() == 0 {
		return "–"
	}
	return change(-r.ReadDrop)
}

func (r *report) coldStartMax() float64 {
	worst := 0.0
	for _, c := range r.ColdStarts {
		worst = max(worst, c.Healthz, c.Page)
	}
	return worst
}

// targets are the targets for one run. Those meant for the page cache are compared with whatever the binary
// measured does; the label says which that was.
func (r *report) targets() []target {
	post, _ := r.figure(scenarioPost)
	fs, _ := r.figure(scenarioFileServer)
	comments, _ := r.figure(scenarioMixedPost)
	mixedRead, _ := r.figure(scenarioMixedRead)
	var ts []target
	answered := post.Requests > post.Errors
	if !answered {
		// Nothing answered: no figure of the post page means anything.
		ts = append(ts, target{"post page: answered at all", fmt.Sprintf("%d requests, %d failed", post.Requests, post.Errors), "not met"})
	}
	share := fmt.Sprintf("%.0f%% of FileServer", 100*post.VsFileServer)
	if post.VsNginx > 0 {
		share += fmt.Sprintf(", %.0f%% of nginx", 100*post.VsNginx)
	}
	ok := post.VsFileServer >= 0.7 && (post.VsNginx == 0 || post.VsNginx >= 0.7)
	ts = append(ts,
		target{fmt.Sprintf("post page (%d comments), cached: ≥ 70%% of the static server's req/s", r.Comments),
			fmt.Sprintf("%s req/s = %s (FileServer %s req/s)", num(post.PerSecond), share, num(fs.PerSecond)), status(ok)},
		target{fmt.Sprintf("post page, cached: p99 < 10 ms at %d connections", r.Conns), fmt.Sprintf("p99 %s ms", dec(post.P99)),
			status(answered && post.P99 < 10)},
		target{"post page, cache off: ≥ 2,000 req/s", num(post.PerSecond) + " req/s", status(post.PerSecond >= 2000)},
		target{"mixed run: comment posts succeed, none lost (count matches)",
			fmt.Sprintf("%d accepted, %d failed in the window; %s", r.Check.Accepted, comments.Errors, r.checkSentence()),
			status(comments.Errors == 0 && r.Check.OK && r.Check.Accepted > 0)},
		r.readTarget(mixedRead),
	)
	if r.PeakRSS > 0 {
		ts = append(ts, target{"peak RSS < 150 MB", mb(r.PeakRSS) + " MB", status(r.PeakRSS < 150<<20)})
	} else {
		ts = append(ts, target{"peak RSS < 150 MB", "not measured: " + r.RSSNote, "n/a"})
	}
	worst := r.coldStartMax()
	worstCPU := 0.0
	for _, c := range r.ColdStarts {
		worstCPU = max(worstCPU, c.CPU)
	}
	ts = append(ts, target{"cold start (salon serve to first 200) < 300 ms",
		fmt.Sprintf("worst of %d: %s ms (salon's CPU time by then: %s ms)", len(r.ColdStarts), dec(worst), dec(worstCPU)), status(worst < 300)})
	if other := r.otherCPU(); other > 0.1 {
		// Throughput and latency depend on the CPU salon got; other programs took some of it.
		for i := range ts {
			if !strings.HasPrefix(ts[i].What, "peak RSS") && !strings.HasPrefix(ts[i].What, "mixed run: comment posts succeed") {
				ts[i].Measured += fmt.Sprintf(" (other programs used up to %.0f%% of the CPUs)", 100*other)
			}
		}
	}
	return ts
}

// writes says how the mixed run posted comments.
func (r *report) writes() string {
	if r.CommentRate > 0 {
		return fmt.Sprintf("%g comment posts a second", r.CommentRate)
	}
	return fmt.Sprintf("%.0f%% of requests post a comment", 100*r.WriteShare)
}

// readTarget compares the mixed run's reads with the read-only runs'. The target is for the mixed run the issue
// describes, 5% of requests posting comments; a run at a steady comment rate reports the change without a verdict.
func (r *report) readTarget(mixedRead figure) target {
	t := target{"mixed run: read throughput falls ≤ 20% vs read-only",
		fmt.Sprintf("%s → %s req/s: %s", num(r.readOnly()), num(mixedRead.PerSecond), r.readChange()),
		status(r.ReadDrop <= 0.2 && mixedRead.PerSecond > 0 && r.readOnly() > 0)}
	if r.CommentRate > 0 {
		t.Measured += fmt.Sprintf(" at %g comment posts a second (-comment-rate), not a share of requests", r.CommentRate)
		t.Status = "n/a"
	}
	return t
}

func (r *report) checkSentence() string {
	c := r.Check
	if !c.OK {
		return "MISMATCH: " + strings.Join(c.Problems, "; ")
	}
	s := fmt.Sprintf("the post has %d comments = %d seeded + %d accepted", c.Stored, c.Seeded, c.Accepted)
	if c.Held > 0 {
		var why []string
		for k, n := range c.HeldWhy {
			why = append(why, fmt.Sprintf("%d %s", n, k))
		}
		slices.Sort(why)
		s += fmt.Sprintf(", of which %d accepted were held by moderation (%s)", c.Held, strings.Join(why, ", "))
	}
	return s
}

func (r *report) write(w io.Writer) {
	fmt.Fprintf(w, "\n## Salon benchmark")
	if r.Label != "" {
		fmt.Fprintf(w, " (%s)", r.Label)
	}
	fmt.Fprintf(w, "\n\n%s posts + the benchmarked post with %s comments (a third of them replies); %d connections; "+
		"%s per scenario after %s of warm-up.\n", num(float64(r.Posts)), num(float64(r.Comments)), r.Conns, r.Duration, r.Warmup)
	if r.FlatCategories {
		fmt.Fprintln(w, "Posts are filed under top-level categories only (-flat-categories).")
	}
	fmt.Fprintf(w, "Post page: %s bytes. Machine: %s. Command: `%s`.\n\n", num(float64(r.PageBytes)), r.Machine, r.Command)
	rows := [][]string{}
	for _, f := range r.Figures {
		row := []string{f.Scenario, num(f.PerSecond), ratio(f.VsFileServer), ratio(f.VsNginx), dec(f.P50), dec(f.P99), dec(f.Max),
			strconv.Itoa(f.Errors), "", num(float64(f.MeanBytes)), "", ""}
		if f.PeakRSS > 0 {
			row[8] = mb(f.PeakRSS)
		}
		if f.CPU != (cpuShare{}) {
			row[10] = fmt.Sprintf("%.0f / %.0f / %.0f / %.0f", 100*f.CPU.Salon, 100*f.CPU.Bench, 100*f.CPU.Other, 100*f.CPU.Idle)
		}
		if f.SalonCPU > 0 {
			row[11] = dec(f.SalonCPU)
		}
		rows = append(rows, row)
	}
	table(w, 1, []string{"scenario", "req/s", "vs FileServer", "vs nginx", "p50 ms", "p99 ms", "max ms", "errors", "peak RSS MB", "bytes",
		"CPU % salon / bench / other / idle", "salon CPU ms/req"}, rows)
	fmt.Fprintf(w, "\nCPU shares are of the whole machine (%d CPUs) during each measured window; \"bench\" is the load generator "+
		"and the in-process FileServer. In the mixed run, salon's CPU time per request is shared by reads and comment posts.", r.Machine.CPUs)
	if r.LoadBefore != "" {
		fmt.Fprintf(w, " Load average before the run: %s.", r.LoadBefore)
	}
	if r.CPUNote != "" {
		fmt.Fprintf(w, " (%s)", r.CPUNote)
	}
	fmt.Fprintln(w)
	if other := r.otherCPU(); other > 0.1 {
		fmt.Fprintf(w, "**Other programs used up to %.0f%% of the CPUs during a measured window: "+
			"these figures understate what this machine can do.**\n", 100*other)
	}
	if r.NginxSkipped != "" {
		fmt.Fprintf(w, "\nnginx baseline %s.\n", r.NginxSkipped)
	}
	var hz, pg, cpu []string
	for _, c := range r.ColdStarts {
		hz, pg, cpu = append(hz, dec(c.Healthz)), append(pg, dec(c.Page)), append(cpu, dec(c.CPU))
	}
	fmt.Fprintf(w, "\nCold start (`salon serve` to the first 200), %d starts: /healthz %s ms; post page %s ms; salon's CPU time by then %s ms.\n",
		len(r.ColdStarts), strings.Join(hz, ", "), strings.Join(pg, ", "), strings.Join(cpu, ", "))
	mixedRead, _ := r.figure(scenarioMixedRead)
	comments, _ := r.figure(scenarioMixedPost)
	fmt.Fprintf(w, "Mixed run (%s): %s post page reads/s (%s vs read-only: the mean of the runs before it and after it, %s req/s) "+
		"and %s comment posts/s, each sent %s after its page was read; %d comment forms posted, %d accepted; %s.\n",
		r.writes(), num(mixedRead.PerSecond), r.readChange(), num(r.readOnly()), num(comments.PerSecond), r.Typing, r.Check.Submitted,
		r.Check.Accepted, r.checkSentence())
	fmt.Fprintf(w, "Peak RSS of salon: %s MB.", mb(r.PeakRSS))
	if r.RSSNote != "" {
		fmt.Fprintf(w, " (%s)", r.RSSNote)
	}
	fmt.Fprintf(w, " Seeding took %.1f s.\n", r.SeedSeconds)
	for _, f := range r.Figures {
		if f.Errors > 0 {
			fmt.Fprintf(w, "%s failures: %v; for example: %s\n", f.Scenario, f.Failures, strings.Join(f.Examples, " | "))
			if f.Target == "salon" && f.Failures["transport error"] > 0 && f.CPU != (cpuShare{}) && f.CPU.Salon < 0.05 {
				fmt.Fprintf(w, "  salon used %.0f%% of the CPUs while requests waited: it stalled (a deadlock?) rather than ran out of CPU.\n", 100*f.CPU.Salon)
			}
		}
	}
	if len(r.Targets) > 0 {
		fmt.Fprintf(w, "\n### Targets\n\n")
		fmt.Fprintf(w, "The benchmark cannot tell whether salon's page cache was on: read the targets marked cached or "+
			"cache off\nagainst this run's label and serve arguments (%q).\n\n", strings.Join(r.ServeArgs, " "))
		writeTargets(w, r.Targets)
	}
}

func writeTargets(w io.Writer, ts []target) {
	rows := make([][]string, len(ts))
	for i, t := range ts {
		rows[i] = []string{t.What, t.Measured, t.Status}
	}
	table(w, 3, []string{"target", "measured", "status"}, rows)
}

func (m machine) String() string {
	s := fmt.Sprintf("%s, %d CPUs, %s memory, %s", m.CPU, m.CPUs, m.Memory, m.OS)
	if m.Kernel != "" {
		s += " " + m.Kernel
	}
	s += ", " + m.Go
	if m.Nginx != "" {
		s += ", " + m.Nginx
	}
	return s
}

// scalingReport is the scaling curve: one full run per point.
type scalingReport struct {
	Command    string    `json:"command"`
	Label      string    `json:"label,omitempty"`
	Machine    machine   `json:"machine"`
	Conns      int       `json:"connections"`
	Duration   string    `json:"duration"`
	ByPosts    []*report `json:"by_posts"`
	ByComments []*report `json:"by_comments"`
	Targets    []target  `json:"targets"`
}

func (s *scalingReport) targets() []target {
	if len(s.ByPosts) < 2 {
		return nil
	}
	first, last := s.ByPosts[0], s.ByPosts[len(s.ByPosts)-1]
	var ts []target
	for _, sc := range []string{scenarioPost, scenarioHome, scenarioFeed} {
		a, _ := first.figure(sc)
		b, _ := last.figure(sc)
		what := fmt.Sprintf("from %s to %s posts, %s latency grows ≤ 2x", num(float64(first.Posts)), num(float64(last.Posts)), sc)
		if a.P50 <= 0 || a.P99 <= 0 || a.SalonCPU <= 0 {
			ts = append(ts, target{what, fmt.Sprintf("no answers with %s posts", num(float64(first.Posts))), "n/a"})
			continue
		}
		if b.Requests == b.Errors {
			ts = append(ts, target{what, fmt.Sprintf("no answers with %s posts (%d requests failed)", num(float64(last.Posts)), b.Errors), "not met"})
			continue
		}
		// Under 64 connections latency is mostly queueing, so the CPU time per request is shown too: it does not
		// depend on what else ran on the machine.
		ts = append(ts, target{what,
			fmt.Sprintf("p50 %s → %s ms (×%.2f), p99 %s → %s ms (×%.2f); salon CPU per request %s → %s ms (×%.2f)",
				dec(a.P50), dec(b.P50), b.P50/a.P50, dec(a.P99), dec(b.P99), b.P99/a.P99, dec(a.SalonCPU), dec(b.SalonCPU), b.SalonCPU/a.SalonCPU),
			status(b.P50/a.P50 <= 2 && b.P99/a.P99 <= 2 && b.SalonCPU/a.SalonCPU <= 2)})
	}
	return ts
}

func (s *scalingReport) write(w io.Writer) {
	fmt.Fprintf(w, "\n## Salon scaling curve")
	if s.Label != "" {
		fmt.Fprintf(w, " (%s)", s.Label)
	}
	fmt.Fprintf(w, "\n\n%d connections; %s per scenario. Machine: %s. Command: `%s`.\n", s.Conns, s.Duration, s.Machine, s.Command)
	fmt.Fprintf(w, "Each cell is the figure and, in brackets, how many times the first row's it is.\n")
	if len(s.ByPosts) > 0 {
		fmt.Fprintf(w, "\n### By number of posts (%s comments on the post)\n\n", num(float64(s.ByPosts[0].Comments)))
		scalingTable(w, s.ByPosts)
	}
	if len(s.ByComments) > 0 {
		fmt.Fprintf(w, "\n### By number of comments on the post (%s other posts)\n\n", num(float64(s.ByComments[0].Posts)))
		scalingTable(w, s.ByComments)
	}
	for _, sweep := range [][]*report{s.ByPosts, s.ByComments} {
		for _, r := range sweep {
			for _, f := range r.Figures {
				if f.Errors > 0 {
					fmt.Fprintf(w, "%d posts, %d comments, %s failures: %v; for example: %s\n", r.Posts, r.Comments, f.Scenario, f.Failures,
						strings.Join(f.Examples, " | "))
				}
			}
			if !r.Check.OK {
				fmt.Fprintf(w, "%d posts, %d comments: comment check: %s\n", r.Posts, r.Comments, r.checkSentence())
			}
		}
	}
	if len(s.Targets) > 0 {
		fmt.Fprintf(w, "\n### Targets\n\n")
		writeTargets(w, s.Targets)
	}
}

func scalingTable(w io.Writer, rs []*report) {
	header := []string{"posts", "comments", "page KB"}
	type column struct {
		scenario string
		value    func(figure) float64
		name     string
	}
	cols := []column{
		{scenarioPost, func(f figure) float64 { return f.PerSecond }, "post req/s"},
		{scenarioPost, func(f figure) float64 { return f.P50 }, "post p50 ms"},
		{scenarioPost, func(f figure) float64 { return f.P99 }, "post p99 ms"},
		{scenarioPost, func(f figure) float64 { return f.SalonCPU }, "post CPU ms/req"},
		{scenarioHome, func(f figure) float64 { return f.PerSecond }, "home req/s"},
		{scenarioHome, func(f figure) float64 { return f.P99 }, "home p99 ms"},
		{scenarioHome, func(f figure) float64 { return f.SalonCPU }, "home CPU ms/req"},
		{scenarioFeed, func(f figure) float64 { return f.PerSecond }, "feed req/s"},
		{scenarioFeed, func(f figure) float64 { return f.P99 }, "feed p99 ms"},
		{scenarioFeed, func(f figure) float64 { return f.SalonCPU }, "feed CPU ms/req"},
		{scenario404, func(f figure) float64 { return f.PerSecond }, "404 req/s"},
		{scenario404, func(f figure) float64 { return f.P99 }, "404 p99 ms"},
		{scenarioMixedRead, func(f figure) float64 { return f.PerSecond }, "mixed reads/s"},
		{scenarioMixedPost, func(f figure) float64 { return f.PerSecond }, "comments/s"},
	}
	for _, c := range cols {
		header = append(header, c.name)
	}
	header = append(header, "vs FileServer", "peak RSS MB", "cold start ms", "errors", "count check", "seed s", "other CPU %")
	first := rs[0]
	cell := func(v, base float64, format func(float64) string) string {
		if base <= 0 {
			return format(v)
		}
		return fmt.Sprintf("%s (×%.2f)", format(v), v/base)
	}
	var rows [][]string
	for _, r := range rs {
		row := []string{num(float64(r.Posts)), num(float64(r.Comments)), cell(float64(r.PageBytes)/1024, float64(first.PageBytes)/1024, dec)}
		errs := 0
		for _, c := range cols {
			f, _ := r.figure(c.scenario)
			b, _ := first.figure(c.scenario)
			format := num
			if strings.Contains(c.name, " ms") {
				format = dec
			}
			row = append(row, cell(c.value(f), c.value(b), format))
		}
		for _, f := range r.Figures {
			errs += f.Errors
		}
		post, _ := r.figure(scenarioPost)
		check := "OK"
		if !r.Check.OK {
			check = "MISMATCH"
		}
		row = append(row, ratio(post.VsFileServer), cell(float64(r.PeakRSS)/(1<<20), float64(first.PeakRSS)/(1<<20), dec),
			cell(r.coldStartMax(), first.coldStartMax(), dec), strconv.Itoa(errs), check, dec(r.SeedSeconds), fmt.Sprintf("%.0f", 100*r.otherCPU()))
		rows = append(rows, row)
	}
	table(w, 2, header, rows)
}

// table writes a Markdown table with aligned columns, readable in a terminal and ready for docs: the first left
// columns aligned left, the others (figures) right.
func table(w io.Writer, left int, header []string, rows [][]string) {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		b.WriteString("|")
		for i, c := range cells {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i < left {
				b.WriteString(" " + c + pad + " |")
			} else {
				b.WriteString(" " + pad + c + " |")
			}
		}
		fmt.Fprintln(w, b.String())
	}
	line(header)
	sep := make([]string, len(header))
	for i := range sep {
		if i < left {
			sep[i] = strings.Repeat("-", widths[i])
		} else {
			sep[i] = strings.Repeat("-", widths[i]-1) + ":"
		}
	}
	line(sep)
	for _, r := range rows {
		line(r)
	}
}

// num formats a count or rate with thousands separators and no decimals.
func num(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// dec formats milliseconds and the like: three significant digits or so.
func dec(v float64) string {
	switch {
	case v >= 100:
		return num(v)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func ratio(v float64) string {
	if v == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*v)
}

// change formats a relative change such as -0.12 as "−12%".
func change(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "–"
	case math.Abs(v) < 0.005:
		return "±0%"
	case v < 0:
		return fmt.Sprintf("−%.0f%%", -100*v)
	}
	return fmt.Sprintf("+%.0f%%", 100*v)
}

func mb(b int64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) }

// writeJSON writes v to path, indented; an empty path writes nothing.
func writeJSON(path string, v any) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
