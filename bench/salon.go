package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// goTool is the go command: $GOROOT/bin/go when GOROOT is set (go run and go test set it for the program they
// run), else the one on PATH.
func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	return "go"
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// moduleRoot is the directory of this module's go.mod, wherever the benchmark is run from inside the module.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, goTool(), "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run the benchmark from inside the Salon module (go run ./bench)")
	}
	return filepath.Dir(mod), nil
}

// buildSalon compiles ./cmd/salon into dir.
func buildSalon(ctx context.Context, dir string) (string, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "salon")
	cmd := exec.CommandContext(ctx, goTool(), "build", "-o", bin, "./cmd/salon")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/salon: %w\n%s", err, out)
	}
	return bin, nil
}

// freeAddr finds a free port on 127.0.0.1. Another program could take it before salon listens; that would show
// as a failed start, not as a wrong figure.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// process is a child process the benchmark started: salon or nginx.
type process struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	log    string // where its standard error goes
	exited chan struct{}
	err    error // set when exited is closed
}

func startProcess(name string, args []string, env []string, logPath, base string) (*process, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group, so that a Ctrl-C in the terminal reaches the benchmark, which stops it in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, errors.Join(fmt.Errorf("start %s: %w", name, err), logFile.Close())
	}
	p := &process{cmd: cmd, base: base, log: logPath, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.exited)
	}()
	return p, nil
}

// stop asks the process to finish (SIGTERM) and kills it if it has not after grace.
func (p *process) stop(grace time.Duration) error {
	select {
	case <-p.exited:
		return nil
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(grace):
		return errors.Join(fmt.Errorf("%s did not stop within %s; killed it", filepath.Base(p.cmd.Path), grace), p.cmd.Process.Kill())
	}
}

// logTail is the end of the process's log, for an error message.
func (p *process) logTail() string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-10):], "\n")
}

// waitFor polls url with fresh connections until it answers 200, and returns when it first did.
func (p *process) waitFor(ctx context.Context, url string, limit time.Duration) (time.Time, error) {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(limit)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return time.Time{}, err
		}
		resp, err := client.Do(req)
		if err == nil {
			_, cerr := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && cerr == nil {
				return time.Now(), nil
			}
		}
		select {
		case <-p.exited:
			return time.Time{}, fmt.Errorf("%s exited (%v) before %s answered:\n%s", filepath.Base(p.cmd.Path), p.err, url, p.logTail())
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(time.Millisecond):
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("%s did not answer 200 within %s:\n%s", url, limit, p.logTail())
		}
	}
}

// coldStart is how long one `salon serve` took from the process's start to its first 200 answers.
type coldStart struct {
	Healthz time.Duration // to GET /healthz
	Page    time.Duration // to GET of the post page, asked right after
	CPU     time.Duration // salon's CPU time by then; 0 when unknown
}

// startSalon starts `salon serve` on a free port with the data directory, trusting 127.0.0.1 as a proxy so that
// each simulated reader has its own address, and measures the cold start.
func startSalon(ctx context.Context, bin, data string, extra []string, logPath, pagePath string) (*process, coldStart, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, coldStart{}, err
	}
	args := append([]string{"serve", "--addr", addr, "--data", data, "--trusted-proxies", "127.0.0.1/32"}, extra...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SALON_") { // a SALON_DB in the caller's shell must not point elsewhere
			env = append(env, kv)
		}
	}
	began := time.Now()
	p, err := startProcess(bin, args, env, logPath, "http://"+addr)
	if err != nil {
		return nil, coldStart{}, err
	}
	healthy, err := p.waitFor(ctx, p.base+"/healthz", 30*time.Second)
	if err != nil {
		return nil, coldStart{}, errors.Join(err, p.stop(5*time.Second))
	}
	served, err := p.waitFor(ctx, p.base+pagePath, 30*time.Second)
	if err != nil {
		return nil, coldStart{}, errors.Join(err, p.stop(5*time.Second))
	}
	cs := coldStart{Healthz: healthy.Sub(began), Page: served.Sub(began)}
	if ticks, err := processTicks(p.cmd.Process.Pid); err == nil {
		cs.CPU = time.Duration(ticks) * time.Second / clockTicks
	}
	return p, cs, nil
}

// resetPeakRSS starts a new peak resident set size measurement for the process (Linux 4.0+: clear_refs 5).
func resetPeakRSS(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// peakRSS is the process's peak resident set size in bytes since it started or since resetPeakRSS (Linux).
func peakRSS(pid int) (int64, error) {
	return procStatus(pid, "VmHWM")
}

// procStatus reads a kB figure of /proc/PID/status, in bytes.
func procStatus(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// machine describes where the figures were measured.
type machine struct {
	CPU    string `json:"cpu"`
	CPUs   int    `json:"cpus"`
	Memory string `json:"memory"`
	OS     string `json:"os"`
	Kernel string `json:"kernel,omitempty"`
	Go     string `json:"go"`
	Nginx  string `json:"nginx,omitempty"`
}

func describeMachine(ctx context.Context) machine {
	m := machine{CPUs: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version(), CPU: "unknown", Memory: "unknown"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64); err == nil {
					m.Memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
				}
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if nginx, err := exec.LookPath("nginx"); err == nil {
		if out, err := exec.CommandContext(ctx, nginx, "-v").CombinedOutput(); err == nil {
			m.Nginx = strings.TrimSpace(string(bytes.TrimPrefix(out, []byte("nginx version: "))))
		}
	}
	return m
}

// cpuTimes is a moment's cumulative CPU time, in clock ticks: the whole machine's, and that of this process and of
// salon, so that a scenario can say who used the CPUs while it ran.
type cpuTimes struct {
	total, busy  int64 // all CPUs: every tick, and the ticks not idle
	bench, salon int64
}

func readCPU(salonPID int) (cpuTimes, error) {
	var c cpuTimes
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return c, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.Fields(line)
	if len(fields) < 8 || fields[0] != "cpu" {
		return c, errors.New("/proc/stat has no cpu line")
	}
	for i, f := range fields[1:] {
		if i >= 8 { // guest time is counted in user time already
			break
		}
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return c, fmt.Errorf("/proc/stat: %w", err)
		}
		c.total += v
		if i != 3 && i != 4 { // idle, iowait
			c.busy += v
		}
	}
	if c.bench, err = processTicks(os.Getpid()); err != nil {
		return c, err
	}
	c.salon, err = processTicks(salonPID)
	return c, err
}

// clockTicks is the unit of /proc's CPU times (USER_HZ), 100 on every Linux that Go supports.
const clockTicks = 100

// processTicks is a process's user and system time so far (/proc/PID/stat, fields 14 and 15).
func processTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in brackets, may hold spaces; the fields after it are plain.
	rest := string(b[bytes.LastIndexByte(b, ')')+1:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat is too short", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	return utime + stime, errors.Join(err1, err2)
}

// cpuShare is how the machine's CPU capacity was used between two moments: by salon, by the benchmark process
// (load generator and in-process FileServer), by everything else (nginx, other programs), and left idle.
type cpuShare struct {
	Salon float64 `json:"salon"`
	Bench float64 `json:"bench"`
	Other float64 `json:"other"`
	Idle  float64 `json:"idle"`
}

func shareOf(a, b cpuTimes) cpuShare {
	total := float64(b.total - a.total)
	if total <= 0 {
		return cpuShare{}
	}
	s := cpuShare{Salon: float64(b.salon-a.salon) / total, Bench: float64(b.bench-a.bench) / total}
	s.Other = max(0, float64(b.busy-a.busy)/total-s.Salon-s.Bench)
	s.Idle = max(0, 1-float64(b.busy-a.busy)/total)
	return s
}

// loadAverage is /proc/loadavg's first three figures: how busy the machine was before a run.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
