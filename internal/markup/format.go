package markup

import (
	"html/template"

	"github.com/salon-blog/salon/internal/blog"
)

// RenderBody renders a post or page body written in format f.
func RenderBody(f blog.Format, body string) Document {
	if f == blog.FormatWordPress {
		return RenderWordPress(body)
	}
	return RenderPost(body)
}

// RenderCommentBody renders a comment body written in format f.
func RenderCommentBody(f blog.Format, body string) template.HTML {
	if f == blog.FormatWordPress {
		return RenderWordPressComment(body)
	}
	return RenderComment(body)
}
