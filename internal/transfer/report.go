package transfer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/salon-blog/salon/internal/blog"
)

// The words of an import's report and progress, written once here so that the command line and the admin area say
// the same thing, in the singular when a count is 1.

// Counts is what the import added, for a sentence that starts "Imported from Source: ".
func (r Report) Counts() string {
	return strings.Join([]string{
		blog.CountOf(r.Posts, "post"), blog.CountOf(r.Pages, "page"), blog.CountOf(r.Comments, "comment"),
		blog.Count(r.Categories, "category", "categories"), blog.CountOf(r.Tags, "tag"), blog.CountOf(r.Users, "author"),
	}, ", ")
}

// Notes are the sentences that follow the counts, each ending in a full stop: first the posts made private, which
// their author must know of, then what was skipped, redirected or left out. Ignored kinds come in alphabetical
// order, so that the same import always reads the same.
func (r Report) Notes() []string {
	var notes []string
	if note := r.protectedNote(); note != "" {
		notes = append(notes, note)
	}
	if r.Skipped > 0 {
		notes = append(notes, "Skipped "+blog.Count(r.Skipped, "post or comment", "posts and comments")+" brought in by an earlier import.")
	}
	switch {
	case r.Redirects == 1:
		notes = append(notes, "1 old address redirects to its post's address here.")
	case r.Redirects > 1:
		notes = append(notes, fmt.Sprintf("%d old addresses redirect to their posts' addresses here.", r.Redirects))
	}
	kinds := make([]string, 0, len(r.Ignored))
	for kind := range r.Ignored {
		kinds = append(kinds, kind)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		notes = append(notes, "Left out "+blog.CountOf(r.Ignored[kind], kind+" record")+" (Salon has no place for them).")
	}
	return notes
}

// protectedNote tells what became of password-protected posts and pages, or is "" when there were none.
func (r Report) protectedNote() string {
	var what []string
	if r.ProtectedPosts > 0 {
		what = append(what, blog.CountOf(r.ProtectedPosts, "password-protected post"))
	}
	if r.ProtectedPages > 0 {
		what = append(what, blog.CountOf(r.ProtectedPages, "password-protected page"))
	}
	switch n := r.ProtectedPosts + r.ProtectedPages; {
	case n == 0:
		return ""
	case n == 1:
		return what[0] + " was imported as private: Salon has no post passwords; publish it again when it may be public."
	default:
		return strings.Join(what, " and ") + " were imported as private: Salon has no post passwords; publish them again when they may be public."
	}
}

// CommentsNotImported says what became of the thread's comments, for a sentence about the thread.
func (u Unmatched) CommentsNotImported() string {
	if u.Comments == 1 {
		return "its comment was not imported"
	}
	return fmt.Sprintf("its %d comments were not imported", u.Comments)
}

// Counts is what the import has seen so far.
func (p Progress) Counts() string {
	return blog.Count(p.Records, "post or thread", "posts and threads") + " · " + blog.CountOf(p.Comments, "comment")
}
