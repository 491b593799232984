package markup_test

import (
	"html/template"
	"testing"

	"github.com/salon-blog/salon/internal/markup"
)

func TestAbsolute(t *testing.T) {
	page := "https://blog.example/2024/05/17/hello/"
	tests := []struct{ in, want string }{
		{`<p><a href="/about/">About</a></p>`, `<p><a href="https://blog.example/about/">About</a></p>`},
		{`<sup><a href="#fn:1">1</a></sup>`, `<sup><a href="https://blog.example/2024/05/17/hello/#fn:1">1</a></sup>`},
		{`<img src="/media/2024/05/a.jpg" srcset="/media/2024/05/a-300w.jpg 300w, /media/2024/05/a.jpg 1800w" alt="">`,
			`<img src="https://blog.example/media/2024/05/a.jpg" srcset="https://blog.example/media/2024/05/a-300w.jpg 300w, https://blog.example/media/2024/05/a.jpg 1800w" alt=""/>`},
		{`<a href="https://other.example/x">x</a>`, `<a href="https://other.example/x">x</a>`},
		{`<a href="mailto:a@example.com">mail</a>`, `<a href="mailto:a@example.com">mail</a>`},
		{`<p>No links.</p>`, `<p>No links.</p>`},
	}
	for _, tt := range tests {
		if got := markup.Absolute(template.HTML(tt.in), page); string(got) != tt.want {
			t.Errorf("Absolute(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	if got := markup.Absolute(`<a href="/x">x</a>`, "not a URL"); got != `<a href="/x">x</a>` {
		t.Errorf("Absolute with a relative page = %q; want the input unchanged", got)
	}
}
