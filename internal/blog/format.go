package blog

// Format is the language a post's or comment's body is written in. Salon's own editor and comment form write
// Markdown; bodies imported from WordPress keep WordPress's HTML, in which blank lines are paragraphs, so that they
// render as they did there and export back unchanged.
type Format string

// Formats.
const (
	FormatMarkdown  Format = "markdown"
	FormatWordPress Format = "wordpress"
)
