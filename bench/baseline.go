package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// staticFile is the name the post page's bytes are served under by the static baselines.
const staticFile = "post.html"

// writeStatic saves the page for the static servers. nginx's workers may run as another user (nobody), so the
// directories on the way are opened for traversal and the page for reading.
func writeStatic(work, static string, page []byte) error {
	if err := os.MkdirAll(static, 0o755); err != nil {
		return err
	}
	// work is the benchmark's own temporary directory, or one inside it (a point of the scaling curve).
	dirs := []string{work}
	if parent := filepath.Dir(work); strings.HasPrefix(filepath.Base(parent), "salon-bench-") {
		dirs = append(dirs, parent)
	}
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if err := os.Chmod(d, fi.Mode().Perm()|0o711); err != nil {
			return err
		}
	}
	if err := os.Chmod(static, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(static, staticFile), page, 0o644)
}

// fileServer is Go's http.FileServer on the page, in this process: the minimal static server.
type fileServer struct {
	srv    *http.Server
	url    string
	served chan error
}

func startFileServer(dir string) (*fileServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	fs := &fileServer{
		srv:    &http.Server{Handler: http.FileServer(http.Dir(dir)), ReadHeaderTimeout: 10 * time.Second},
		url:    "http://" + ln.Addr().String() + "/" + staticFile,
		served: make(chan error, 1),
	}
	go func() { fs.served <- fs.srv.Serve(ln) }()
	return fs, nil
}

func (fs *fileServer) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := fs.srv.Shutdown(ctx)
	if serr := <-fs.served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// nginxConf is a minimal nginx serving one directory: two workers (one per core on the reference machine), no
// access log, keep-alive connections that are never closed for having served too many requests.
const nginxConf = `daemon off;
master_process on;
worker_processes 2;
pid %[1]s/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_timeout 120s;
	keepalive_requests 100000000;
	client_body_temp_path %[1]s/client_body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	types { text/html html; }
	default_type application/octet-stream;
	server {
		listen %[2]s;
		root %[3]s;
	}
}
`

// startNginx runs nginx in the foreground on the static directory when it is installed. When it is not, or does
// not start, it returns no process and the sentence that says why the nginx baseline is skipped.
func startNginx(ctx context.Context, work, static string) (*process, string, error) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		return nil, "skipped: nginx is not installed (apt-get install -y nginx adds it)", nil
	}
	dir := filepath.Join(work, "nginx")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, nginxConf, dir, addr, static), 0o644); err != nil {
		return nil, "", err
	}
	// -e sends the messages nginx writes before reading its configuration to stderr too, where a user who is not
	// root can write.
	p, err := startProcess(bin, []string{"-p", dir, "-c", conf, "-e", "stderr"}, os.Environ(), filepath.Join(dir, "nginx.log"), "http://"+addr)
	if err != nil {
		return nil, "skipped: " + err.Error(), nil
	}
	if _, err := p.waitFor(ctx, p.base+"/"+staticFile, 10*time.Second); err != nil {
		return nil, "skipped: nginx did not start: " + strings.ReplaceAll(err.Error(), "\n", " "), p.stop(5 * time.Second)
	}
	return p, "", nil
}
