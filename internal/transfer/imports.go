// Package transfer moves sites between Salon and other platforms: it brings in a WordPress export (WXR) with its
// authors, terms, posts, pages and comments, or a Disqus export's comments, and writes a site out as a WordPress
// export. It owns how foreign records map onto Salon's (statuses, threads, slugs, old URLs) and how an import
// recognises its own earlier work, so that importing a file twice creates nothing twice. Reading and writing each
// format lives in its own package (wxr, disqus); storage is behind the Tx and Source interfaces: an import lands
// whole, in one transaction, or not at all.
package transfer

import (
	"context"
	"io"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// Tx is the transaction an import writes through. The store's ImportTx implements it.
type Tx interface {
	// Imported is the local ID of what an earlier import brought in from source under externalID, or 0.
	Imported(ctx context.Context, source, kind, externalID string) (int64, error)
	Remember(ctx context.Context, source, kind, externalID string, id int64) error
	// RememberCategoryID and RememberAuthorID record the IDs WordPress gave a category and an author, which its
	// /?cat=ID and /?author=ID addresses carry.
	RememberCategoryID(ctx context.Context, source string, wordPressID, categoryID int64) error
	RememberAuthorID(ctx context.Context, source string, wordPressID, userID int64) error
	// ImportedPost is the local ID of the post any import brought in under a WordPress post ID, or 0.
	ImportedPost(ctx context.Context, externalID string) (int64, error)
	CountPosts(ctx context.Context) (int, error)
	Settings(ctx context.Context) (blog.Settings, error)
	SetSetting(ctx context.Context, key, value string) error
	UserByEmail(ctx context.Context, email string) (blog.User, error)
	AddUser(ctx context.Context, u *blog.User) error
	TermBySlug(ctx context.Context, taxonomy blog.Taxonomy, slug string) (blog.Term, error)
	AddTerm(ctx context.Context, t *blog.Term) error
	AddPost(ctx context.Context, p *blog.Post, termIDs []int64) error
	AddComment(ctx context.Context, c *blog.Comment) error
	SetCommentParent(ctx context.Context, id, parentID int64) error
	AddOldPath(ctx context.Context, path string, postID int64) error
	PostIDBySlug(ctx context.Context, slug string) (int64, error)
	PostIDByOldPath(ctx context.Context, path string) (int64, error)
	PostExists(ctx context.Context, id int64) (bool, error)
}

// Begin runs fn in one transaction, committing when it returns nil: the store's Import method.
type Begin[T Tx] func(ctx context.Context, fn func(T) error) error

// What an import remembers of each record, as the kinds of the store's imported table.
const (
	kindUser    = "user"
	kindTerm    = "term"
	kindPost    = "post"
	kindComment = "comment"
	kindThread  = "thread"
)

// Report says what an import did.
type Report struct {
	// Source is where the records came from, worded to follow "Imported from ": the WordPress blog's address, "a
	// WordPress export" when the file names no absolute one, or "disqus:" and the forum.
	Source     string
	Users      int            // authors added (authors matched to existing users by email are not counted)
	Categories int            // categories added
	Tags       int            // tags added
	Posts      int            // posts added
	Pages      int            // pages added
	Comments   int            // comments added
	Redirects  int            // old paths that now redirect to the post's address here
	Skipped    int            // posts and comments an earlier import of the same source brought in already
	Ignored    map[string]int // records of kinds Salon has no place for (attachments, menu items, …), by kind
	Unmatched  []Unmatched    // Disqus threads that match no post here: their comments were not imported
	Permalink  string         // the permalink style adopted from the export, when the site was empty
	TimeZone   string         // the time zone adopted from the export, when the site was empty

	// ProtectedPosts and ProtectedPages are the password-protected posts and pages among those added, which were
	// made private: Salon has no post passwords, and would otherwise show them to everyone.
	ProtectedPosts, ProtectedPages int
}

// Unmatched is a Disqus thread whose page is not a post here.
type Unmatched struct {
	Link     string
	Title    string
	Comments int
}

// Progress is how far an import has come, for a progress bar.
type Progress struct {
	Read     int64 // bytes of the file read
	Size     int64 // the file's size, 0 when unknown
	Records  int   // posts, pages or threads seen
	Comments int   // comments seen
	Started  time.Time
}

// counter counts the bytes read through it, for Progress.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// progressEvery is how many records pass between two progress reports.
const progressEvery = 50

// lineError is a problem in the file, named by its line, that stops the import.
func lineError(line int, format string, args ...any) error {
	args = append([]any{line}, args...)
	return blog.Errorf(blog.EINVALID, "line %d: "+format, args...)
}

// Site is one site's imports and exports, for the places (the command line, the admin area) that offer them.
type Site[T Tx] struct {
	Begin  Begin[T]
	Source Source
}

// ImportWordPress imports a WXR export: see WordPress.
func (s Site[T]) ImportWordPress(ctx context.Context, r io.Reader, size int64, progress func(Progress)) (Report, error) {
	return WordPress(ctx, s.Begin, r, size, progress)
}

// ImportDisqus imports a Disqus export: see Disqus.
func (s Site[T]) ImportDisqus(ctx context.Context, r io.Reader, size int64, progress func(Progress)) (Report, error) {
	return Disqus(ctx, s.Begin, r, size, progress)
}

// ExportWordPress writes the site as a WXR file: see the function of that name.
func (s Site[T]) ExportWordPress(ctx context.Context, w io.Writer, site string) error {
	return ExportWordPress(ctx, s.Source, w, site)
}
