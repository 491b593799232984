// Package mailpittest runs a real SMTP server for tests: mailpit (github.com/axllent/mailpit), built once with
// `go install` into the user's cache (or taken from $SALON_TEST_MAILPIT, which CI prepares), listening on random
// local ports, and read through its HTTP API.
package mailpittest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Version is the mailpit the tests use.
const Version = "v1.27.11"

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary returns mailpit's path, building it on first use.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if p := os.Getenv("SALON_TEST_MAILPIT"); p != "" {
			binPath = p
			return
		}
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		dir := filepath.Join(cache, "salon-test", "mailpit-"+Version)
		binPath = filepath.Join(dir, "mailpit")
		if _, err := os.Stat(binPath); err == nil {
			return
		}
		cmd := exec.Command("go", "install", "github.com/axllent/mailpit@"+Version)
		cmd.Env = append(os.Environ(), "GOBIN="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go install mailpit: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// FreePort returns a local TCP port free at the time of the call.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Server is a running mailpit.
type Server struct {
	SMTPPort int
	API      string
	cmd      *exec.Cmd
}

// Start runs mailpit with its SMTP server on smtpPort (0: a free one); it stops at the end of the test.
func Start(t testing.TB, smtpPort int) *Server {
	t.Helper()
	bin := Binary(t)
	if smtpPort == 0 {
		smtpPort = FreePort(t)
	}
	httpPort := FreePort(t)
	s := &Server{SMTPPort: smtpPort, API: "http://127.0.0.1:" + strconv.Itoa(httpPort)}
	s.cmd = exec.Command(bin, "--smtp", "127.0.0.1:"+strconv.Itoa(smtpPort), "--listen", "127.0.0.1:"+strconv.Itoa(httpPort),
		"--database", filepath.Join(t.TempDir(), "mailpit.db"), "--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--quiet")
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	t.Cleanup(s.Stop)
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(s.API + "/api/v1/messages")
		if err == nil {
			res.Body.Close()
			if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(smtpPort)); err == nil {
				c.Close()
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends mailpit.
func (s *Server) Stop() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

// Address is a mailbox in a message summary.
type Address struct {
	Name    string
	Address string
}

// Summary is a message in mailpit's list.
type Summary struct {
	ID      string
	To      []Address
	Subject string
}

// Message is one received message, with its parts and headers.
type Message struct {
	ID      string
	From    Address
	To      []Address
	Subject string
	Text    string
	HTML    string
	Headers map[string][]string
}

// Messages lists every received message, newest first.
func (s *Server) Messages(t testing.TB) []Summary {
	t.Helper()
	var out struct{ Messages []Summary }
	s.get(t, "/api/v1/messages?limit=500", &out)
	return out.Messages
}

// Message reads one message with its headers.
func (s *Server) Message(t testing.TB, id string) Message {
	t.Helper()
	var m Message
	s.get(t, "/api/v1/message/"+id, &m)
	s.get(t, "/api/v1/message/"+id+"/headers", &m.Headers)
	return m
}

// To lists the messages sent to address, oldest first.
func (s *Server) To(t testing.TB, address string) []Message {
	t.Helper()
	var out []Message
	list := s.Messages(t)
	for i := len(list) - 1; i >= 0; i-- {
		for _, a := range list[i].To {
			if a.Address == address {
				out = append(out, s.Message(t, list[i].ID))
			}
		}
	}
	return out
}

// WaitFor waits (generously) until address has received n messages, and returns them.
func (s *Server) WaitFor(t testing.TB, address string, n int) []Message {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := s.To(t, address)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s received %d messages; waited for %d", address, len(got), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *Server) get(t testing.TB, path string, v any) {
	t.Helper()
	res, err := http.Get(s.API + path)
	if err != nil {
		t.Fatalf("mailpit API %s: %v", path, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("mailpit API %s: %s", path, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("mailpit API %s: %v", path, err)
	}
}
