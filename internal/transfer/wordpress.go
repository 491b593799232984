package transfer

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/markup"
	"github.com/salon-blog/salon/internal/wxr"
)

// Meta keys Salon writes into its own WordPress exports, so that a site moved out and back in keeps its Markdown.
// WordPress keeps them as ordinary post and comment meta.
const (
	MetaMarkdown    = "_salon_markdown"
	metaDisqusTread = "dsq_thread_id"
)

// WordPress imports a WXR export read from r. Everything lands in one transaction; a problem in the file stops the
// import with an error naming its line and leaves the site as it was. Records an earlier import of the same site
// brought in are skipped, so the same file can be imported again (say, with the comments written since).
func WordPress[T Tx](ctx context.Context, begin Begin[T], r io.Reader, size int64, progress func(Progress)) (Report, error) {
	var rep Report
	err := begin(ctx, func(tx T) error {
		rep = Report{Ignored: map[string]int{}}
		w := &wpImport{tx: tx, rep: &rep, users: map[string]int64{}, userIDs: map[int64]int64{}, terms: map[string]int64{},
			seen: map[int64]int{}, fragments: map[int64][]wxr.Comment{}, in: &counter{r: r}, size: size, progress: progress, started: time.Now()}
		return w.run(ctx)
	})
	if err != nil {
		return Report{}, err
	}
	return rep, nil
}

// wpImport is the state of one WordPress import. Its maps grow with authors, terms and post IDs, never with
// bodies or comments, so memory stays small however large the file.
type wpImport struct {
	tx        Tx
	rep       *Report
	source    string // the exported site's address, the key of what this import remembers
	base      *url.URL
	settings  blog.Settings
	empty     bool                    // the site had no posts when the import began: it may adopt the export's URL style
	chosen    bool                    // the permalink style has been decided
	users     map[string]int64        // author login → local user
	userIDs   map[int64]int64         // WordPress user ID → local user
	terms     map[string]int64        // "category:slug" or "post_tag:slug" → local term
	seen      map[int64]int           // WordPress post ID → the line it was first seen on
	fragments map[int64][]wxr.Comment // comments of fragments whose post has not come yet
	in        *counter
	size      int64
	progress  func(Progress)
	started   time.Time
	records   int
	comments  int
}

func (w *wpImport) run(ctx context.Context) error {
	n, err := w.tx.CountPosts(ctx)
	if err != nil {
		return err
	}
	w.empty = n == 0
	if w.settings, err = w.tx.Settings(ctx); err != nil {
		return err
	}
	rd := wxr.NewReader(w.in)
	for first := true; ; first = false {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			if first {
				return blog.Errorf(blog.EINVALID, "the file is empty")
			}
			if err := w.orphanFragments(ctx); err != nil {
				return err
			}
			w.report()
			return nil
		}
		var we *wxr.Error
		if errors.As(err, &we) {
			return blog.Errorf(blog.EINVALID, "%s", we.Error())
		}
		if err != nil {
			return fmt.Errorf("read the export: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		switch rec := rec.(type) {
		case *wxr.Site:
			err = w.site(rec)
		case *wxr.Author:
			_, err = w.author(ctx, rec.Login, rec)
		case *wxr.Category:
			err = w.category(ctx, rec)
		case *wxr.Tag:
			_, err = w.term(ctx, blog.Tag, rec.Slug, rec.Name, 0)
		case *wxr.Term: // WordPress.com repeats categories and tags as terms; menus and the like have no place here
			switch rec.Taxonomy {
			case "category":
				err = w.category(ctx, &wxr.Category{ID: rec.ID, Nicename: rec.Slug, Parent: rec.Parent, Name: rec.Name})
			case "post_tag":
				_, err = w.term(ctx, blog.Tag, rec.Slug, rec.Name, 0)
			}
		case *wxr.Item:
			err = w.item(ctx, rec)
		}
		if err != nil {
			return err
		}
	}
}

func (w *wpImport) report() {
	if w.progress != nil {
		w.progress(Progress{Read: w.in.n, Size: w.size, Records: w.records, Comments: w.comments, Started: w.started})
	}
}

func (w *wpImport) site(s *wxr.Site) error {
	w.base = blogAddress(s)
	w.source = sourceKey(s)
	w.rep.Source = "a WordPress export"
	if w.base.Host != "" {
		w.rep.Source = strings.TrimRight(w.base.String(), "/")
	}
	return nil
}

// blogAddress is the address of the exported blog, which its links start with: wp:base_blog_url, else the channel's
// link; an empty URL when neither is an absolute http or https address. Never wp:base_site_url, which on a multisite
// (every WordPress.com export) is the network's address, https://wordpress.com.
func blogAddress(s *wxr.Site) *url.URL {
	for _, addr := range []string{s.BaseBlogURL, s.Link} {
		u, err := url.Parse(strings.TrimSpace(addr))
		if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return u
		}
	}
	return &url.URL{}
}

// sourceKey is what the import remembers its records under: wp:base_site_url, else the address in
// wp:base_blog_url or the channel's link, else "wordpress". On a multisite base_site_url is the network's address,
// not the blog's, but imports have always remembered their records under it: another key would bring every site
// imported before in a second time.
func sourceKey(s *wxr.Site) string {
	if key := strings.TrimRight(strings.TrimSpace(s.BaseSiteURL), "/"); key != "" {
		return key
	}
	addr := s.BaseBlogURL
	if addr == "" {
		addr = s.Link
	}
	if u, err := url.Parse(strings.TrimSpace(addr)); err == nil && u.Host != "" {
		return strings.TrimRight(u.String(), "/")
	}
	return "wordpress"
}

// author finds or adds the user for a WordPress login. A login the file never described (WXR 1.0 names authors
// only by login) becomes a user with a placeholder address under .invalid, which the admin can correct.
func (w *wpImport) author(ctx context.Context, login string, a *wxr.Author) (int64, error) {
	if login == "" {
		login = "imported"
	}
	if id, ok := w.users[login]; ok {
		return id, nil
	}
	id, err := w.tx.Imported(ctx, w.source, kindUser, login)
	if err != nil {
		return 0, err
	}
	if id == 0 {
		u := blog.User{Email: strings.ToLower(strings.TrimSpace(login)) + "@imported.invalid", Name: login, Role: blog.RoleAuthor}
		if a != nil {
			if e := strings.TrimSpace(a.Email); e != "" {
				u.Email = strings.ToLower(e)
			}
			if a.DisplayName != "" {
				u.Name = a.DisplayName
			}
		}
		u.Slug = blog.Slugify(login)
		if u.Slug == "" {
			u.Slug = "author"
		}
		existing, err := w.tx.UserByEmail(ctx, u.Email)
		switch {
		case err == nil:
			id = existing.ID
		case blog.ErrorCode(err) == blog.ENOTFOUND:
			if err := w.tx.AddUser(ctx, &u); err != nil {
				return 0, err
			}
			id = u.ID
			w.rep.Users++
		default:
			return 0, err
		}
		if err := w.tx.Remember(ctx, w.source, kindUser, login, id); err != nil {
			return 0, err
		}
	}
	w.users[login] = id
	if a != nil && a.ID != 0 {
		w.userIDs[a.ID] = id
		// Remembered even for an author an earlier import brought in: a site imported before imports kept these
		// IDs gets its /?author=ID addresses by importing the same file again.
		if err := w.tx.RememberAuthorID(ctx, w.source, a.ID, id); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func (w *wpImport) category(ctx context.Context, c *wxr.Category) error {
	var parent int64
	if c.Parent != "" {
		p, err := w.term(ctx, blog.Category, c.Parent, c.Parent, 0)
		if err != nil {
			return err
		}
		parent = p
	}
	id, err := w.term(ctx, blog.Category, c.Nicename, c.Name, parent)
	if err != nil || c.ID == 0 {
		return err
	}
	// Remembered even for a category an earlier import brought in, as authors' IDs are.
	return w.tx.RememberCategoryID(ctx, w.source, c.ID, id)
}

// term finds or adds a category or tag by the slug WordPress gave it. WordPress writes non-ASCII slugs
// percent-encoded; they are decoded so that /category/café/ keeps working.
func (w *wpImport) term(ctx context.Context, taxonomy blog.Taxonomy, slug, name string, parent int64) (int64, error) {
	if s, err := url.PathUnescape(slug); err == nil {
		slug = s
	}
	key := string(taxonomy) + ":" + slug
	if id, ok := w.terms[key]; ok {
		return id, nil
	}
	id, err := w.tx.Imported(ctx, w.source, kindTerm, key)
	if err != nil {
		return 0, err
	}
	if id == 0 {
		name = strings.TrimSpace(name)
		if name == "" {
			name = slug
		}
		t, err := w.tx.TermBySlug(ctx, taxonomy, slug)
		switch {
		case err == nil:
			id = t.ID
		case blog.ErrorCode(err) == blog.ENOTFOUND:
			t = blog.Term{Taxonomy: taxonomy, Name: truncateText(name, blog.MaxTermNameLen), Slug: slug, ParentID: parent}
			if err := w.tx.AddTerm(ctx, &t); err != nil {
				return 0, err
			}
			id = t.ID
			if taxonomy == blog.Category {
				w.rep.Categories++
			} else {
				w.rep.Tags++
			}
		default:
			return 0, err
		}
		if err := w.tx.Remember(ctx, w.source, kindTerm, key, id); err != nil {
			return 0, err
		}
	}
	w.terms[key] = id
	return id, nil
}

// postStatuses maps WordPress's post statuses onto Salon's; "trash" is handled apart, and revisions, auto-drafts
// and attachments' "inherit" are not posts anyone wrote.
var postStatuses = map[string]blog.Status{
	"publish": blog.StatusPublish, "draft": blog.StatusDraft, "pending": blog.StatusPending,
	"future": blog.StatusFuture, "private": blog.StatusPrivate, "trash": blog.StatusDraft,
	"": blog.StatusDraft, // WordPress's importer saves a post with no status as a draft
}

func (w *wpImport) item(ctx context.Context, it *wxr.Item) error {
	typ := blog.Type(it.Type)
	status, known := postStatuses[it.Status]
	if (typ != blog.TypePost && typ != blog.TypePage) || !known {
		kind := it.Type
		if typ == blog.TypePost || typ == blog.TypePage {
			kind = it.Type + " (" + it.Status + ")"
		}
		w.rep.Ignored[kind]++
		return nil
	}
	if it.ID != 0 {
		if fragment(it) {
			// WordPress's own test data adds comments to a post by an item with only its ID and the comments.
			if _, ok := w.seen[it.ID]; !ok {
				w.fragments[it.ID] = append(w.fragments[it.ID], it.Comments...)
				return nil
			}
		} else if first, dup := w.seen[it.ID]; dup {
			return lineError(it.Line, "the post ID %d appears twice (first on line %d)", it.ID, first)
		}
		w.seen[it.ID] = it.Line
		it.Comments = append(it.Comments, w.fragments[it.ID]...)
		delete(w.fragments, it.ID)
	}
	w.records++
	if w.records%progressEvery == 0 {
		w.report()
	}
	key := itemKey(it)
	postID, err := w.tx.Imported(ctx, w.source, kindPost, key)
	if err != nil {
		return err
	}
	if postID == 0 {
		if postID, err = w.post(ctx, it, typ, status, key); err != nil {
			return err
		}
	} else {
		w.rep.Skipped++
	}
	return w.thread(ctx, it, postID)
}

// fragment reports whether an item only carries comments for a post described by another item of the same ID.
func fragment(it *wxr.Item) bool {
	return it.Status == "" && it.Content == "" && it.PostName == "" && it.DateGMT.IsZero() && it.Date.IsZero()
}

// itemKey is what an import remembers an item by: its post ID, or, in hand-made files without one, its link.
func itemKey(it *wxr.Item) string {
	if it.ID != 0 {
		return strconv.FormatInt(it.ID, 10)
	}
	return "link:" + it.Link + " guid:" + it.GUID + " title:" + it.Title
}

// orphanFragments imports the comments of fragments whose post never came, under a draft post made for them, as
// WordPress's importer would.
func (w *wpImport) orphanFragments(ctx context.Context) error {
	for id, comments := range w.fragments {
		it := &wxr.Item{ID: id, Type: string(blog.TypePost), Title: fmt.Sprintf("Comments of post %d", id), Comments: comments}
		if len(comments) > 0 {
			it.Line = comments[0].Line
		}
		w.seen[id] = it.Line
		delete(w.fragments, id)
		if err := w.item(ctx, it); err != nil {
			return err
		}
	}
	return nil
}

func (w *wpImport) post(ctx context.Context, it *wxr.Item, typ blog.Type, status blog.Status, key string) (int64, error) {
	author, err := w.author(ctx, it.Creator, nil)
	if err != nil {
		return 0, err
	}
	published := it.DateGMT
	if published.IsZero() {
		published = it.Date
	}
	p := blog.Post{
		ID: it.ID, Type: typ, Title: truncateText(strings.TrimSpace(wpText(it.Title)), blog.MaxTitleLen), Status: status,
		Published: published, Updated: published, AuthorID: author, CommentsOpen: it.CommentStatus == "open", Sticky: it.Sticky,
		Excerpt: truncateText(markup.PlainText(markup.RenderBody(blog.FormatWordPress, it.Excerpt).HTML), blog.MaxExcerptLen),
	}
	p.Body, p.Format = it.Content, blog.FormatWordPress
	for _, m := range it.Meta {
		if m.Key == MetaMarkdown {
			p.Body, p.Format = m.Value, blog.FormatMarkdown
		}
	}
	doc := markup.RenderBody(p.Format, p.Body)
	p.HTML, p.Summary = string(doc.HTML), string(doc.Summary)
	if it.Status == "trash" {
		p.Trashed = time.Now().UTC()
	}
	// Salon has no post passwords: a protected post kept public would show its text (and its comments) to anyone
	// and to the site search. Private, only staff see it until someone decides to publish it; the report says so.
	// Drafts and pending posts are not public, and stay as they are.
	protected := it.Password != "" && (status == blog.StatusPublish || status == blog.StatusFuture)
	if protected {
		p.Status = blog.StatusPrivate
	}
	p.Slug = w.slug(it)
	var termIDs []int64
	for _, t := range it.Terms {
		var taxonomy blog.Taxonomy
		switch t.Domain {
		case "category":
			taxonomy = blog.Category
		case "post_tag", "tag": // WXR 1.0 writes "tag"
			taxonomy = blog.Tag
		default:
			continue
		}
		id, err := w.term(ctx, taxonomy, t.Nicename, t.Name, 0)
		if err != nil {
			return 0, err
		}
		termIDs = append(termIDs, id)
	}
	if err := w.tx.AddPost(ctx, &p, termIDs); err != nil {
		return 0, fmt.Errorf("line %d: %w", it.Line, err)
	}
	if typ == blog.TypePage {
		w.rep.Pages++
		if protected {
			w.rep.ProtectedPages++
		}
	} else {
		w.rep.Posts++
		if protected {
			w.rep.ProtectedPosts++
		}
	}
	if err := w.tx.Remember(ctx, w.source, kindPost, key, p.ID); err != nil {
		return 0, err
	}
	for _, m := range it.Meta {
		if m.Key == metaDisqusTread && strings.TrimSpace(m.Value) != "" {
			if err := w.tx.Remember(ctx, "disqus", kindThread, strings.TrimSpace(m.Value), p.ID); err != nil {
				return 0, err
			}
		}
	}
	return p.ID, w.keepPath(ctx, it, &p)
}

// slug is the post's slug here: WordPress's own when Salon accepts it, else one made from the title as WordPress
// stores it, HTML, whose tags and entities Slugify reads as WordPress's sanitize_title does.
func (w *wpImport) slug(it *wxr.Item) string {
	slug := it.PostName
	if s, err := url.PathUnescape(slug); err == nil {
		slug = s
	}
	if blog.ValidateSlug(slug) == nil {
		return slug
	}
	if s := blog.Slugify(it.Title); blog.ValidateSlug(s) == nil {
		return s
	}
	return fmt.Sprintf("%s-%d", it.Type, it.ID)
}

// keepPath makes the post's WordPress address keep working. The first post of an import into an empty site decides
// the site's permalink style (and its time zone, from the gap between the local and GMT dates), so that most
// addresses stay exactly as they were; any post whose address still differs gets a redirect from the old one.
func (w *wpImport) keepPath(ctx context.Context, it *wxr.Item, p *blog.Post) error {
	path := w.localPath(it.Link)
	if path == "" {
		return nil // a /?p=ID link, which the imported table answers
	}
	if w.empty && !w.chosen && p.Type == blog.TypePost && p.Status == blog.StatusPublish {
		w.chosen = true
		if err := w.adopt(ctx, it, p, path); err != nil {
			return err
		}
	}
	if w.settings.PostPath(p) == path {
		return nil
	}
	w.rep.Redirects++
	return w.tx.AddOldPath(ctx, path, p.ID)
}

// adopt takes the export's permalink style and time zone when they explain the first post's address.
func (w *wpImport) adopt(ctx context.Context, it *wxr.Item, p *blog.Post, path string) error {
	if !it.DateGMT.IsZero() && w.settings.TimeZone == blog.DefaultSettings().TimeZone {
		if offset := it.Date.Sub(it.DateGMT); offset != 0 && offset%time.Hour == 0 && offset.Abs() <= 14*time.Hour {
			// The Etc zones count the other way: Etc/GMT-2 is two hours ahead of UTC.
			zone := fmt.Sprintf("Etc/GMT%+d", -int(offset/time.Hour))
			if err := w.tx.SetSetting(ctx, "timezone", zone); err != nil {
				return err
			}
			w.rep.TimeZone = zone
		}
	}
	for _, style := range []blog.PermalinkStyle{blog.PermalinkDay, blog.PermalinkMonth, blog.PermalinkPlain} {
		st := w.settings
		st.Permalink = style
		if w.rep.TimeZone != "" {
			st.TimeZone = w.rep.TimeZone
		}
		if st.PostPath(p) == path {
			if err := w.tx.SetSetting(ctx, "permalink", string(style)); err != nil {
				return err
			}
			w.rep.Permalink = string(style)
			break
		}
	}
	var err error
	w.settings, err = w.tx.Settings(ctx)
	return err
}

// localPath is the path of a WordPress link relative to the blog's address, "" for a link that has none (a
// /?p=ID address) or points elsewhere.
func (w *wpImport) localPath(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || (u.Host != "" && w.base.Host != "" && !strings.EqualFold(u.Host, w.base.Host)) {
		return ""
	}
	path := u.Path
	if prefix := strings.TrimRight(w.base.Path, "/"); prefix != "" {
		if !strings.HasPrefix(path, prefix+"/") {
			return ""
		}
		path = strings.TrimPrefix(path, prefix)
	}
	if path == "" || path == "/" {
		return ""
	}
	if !strings.HasSuffix(path, "/") && !strings.Contains(path[strings.LastIndex(path, "/"):], ".") {
		path += "/"
	}
	return path
}

// commentStatuses maps wp:comment_approved onto Salon's statuses.
var commentStatuses = map[string]blog.CommentStatus{
	"1": blog.CommentApproved, "approve": blog.CommentApproved, "": blog.CommentApproved, "0": blog.CommentPending, "hold": blog.CommentPending,
	"spam": blog.CommentSpam, "trash": blog.CommentTrash, "post-trashed": blog.CommentTrash,
}

// thread imports an item's comments, parents before replies. A reply whose parent is neither in the item nor
// imported before stops the import: the thread could not be rebuilt as it was.
func (w *wpImport) thread(ctx context.Context, it *wxr.Item, postID int64) error {
	local := make(map[int64]int64, len(it.Comments)) // WordPress comment ID → local ID
	byID := make(map[int64]*wxr.Comment, len(it.Comments))
	for i := range it.Comments {
		c := &it.Comments[i]
		if prev, dup := byID[c.ID]; dup && c.ID != 0 {
			return lineError(c.Line, "the comment ID %d appears twice in one post (first on line %d)", c.ID, prev.Line)
		}
		byID[c.ID] = c
	}
	var add func(c *wxr.Comment, depth int) error
	add = func(c *wxr.Comment, depth int) error {
		if _, done := local[c.ID]; done {
			return nil
		}
		if depth > len(it.Comments) {
			return lineError(c.Line, "the comment %d is part of a loop of replies", c.ID)
		}
		var parent int64
		if c.Parent != 0 {
			if pc, ok := byID[c.Parent]; ok {
				if err := add(pc, depth+1); err != nil {
					return err
				}
				parent = local[c.Parent]
			} else {
				id, err := w.tx.Imported(ctx, w.source, kindComment, commentKey(it, c.Parent))
				if err != nil {
					return err
				}
				if id == 0 {
					return lineError(c.Line, "the comment %d replies to comment %d, which is not in the file", c.ID, c.Parent)
				}
				parent = id
			}
		}
		id, err := w.comment(ctx, c, commentKey(it, c.ID), postID, parent)
		local[c.ID] = id
		return err
	}
	for i := range it.Comments {
		if err := add(&it.Comments[i], 0); err != nil {
			return err
		}
	}
	return nil
}

// commentKey is what an import remembers a comment by: its ID within its post's, since hand-made files reuse
// comment IDs across posts.
func commentKey(it *wxr.Item, id int64) string {
	return itemKey(it) + "/" + strconv.FormatInt(id, 10)
}

func (w *wpImport) comment(ctx context.Context, c *wxr.Comment, key string, postID, parent int64) (int64, error) {
	w.comments++
	id, err := w.tx.Imported(ctx, w.source, kindComment, key)
	if err != nil || id != 0 {
		w.rep.Skipped++
		return id, err
	}
	status, ok := commentStatuses[c.Approved]
	if !ok {
		return 0, lineError(c.Line, "the comment %d has the status %q, which is not one WordPress writes", c.ID, c.Approved)
	}
	created := c.DateGMT
	if created.IsZero() {
		created = c.Date
	}
	cm := blog.Comment{
		ID: c.ID, PostID: postID, ParentID: parent, AuthorName: truncateText(wpText(c.Author), blog.MaxCommentNameLen),
		AuthorEmail: truncateText(strings.TrimSpace(c.AuthorEmail), blog.MaxCommentEmailLen),
		AuthorURL:   truncateText(strings.TrimSpace(c.AuthorURL), blog.MaxCommentURLLen), AuthorIP: c.AuthorIP,
		UserID: w.userIDs[c.UserID], Body: c.Content, Format: blog.FormatWordPress, Status: status, Created: created,
		Moderation: "imported from " + w.source,
	}
	if c.Type == "pingback" || c.Type == "trackback" {
		cm.Moderation = "imported " + c.Type + " from " + w.source
	}
	for _, m := range c.Meta {
		if m.Key == MetaMarkdown {
			cm.Body, cm.Format = m.Value, blog.FormatMarkdown
		}
	}
	cm.HTML = string(markup.RenderCommentBody(cm.Format, cm.Body))
	if err := w.tx.AddComment(ctx, &cm); err != nil {
		return 0, fmt.Errorf("line %d: %w", c.Line, err)
	}
	w.rep.Comments++
	return cm.ID, w.tx.Remember(ctx, w.source, kindComment, key, cm.ID)
}

// wpText is the plain text of a field that WordPress stores HTML-escaped and prints as it is: a comment's author
// (its pre_comment_author_name filters escape "&", "<" and ">") or a post's title (HTML, such as "Media &amp; Text").
// Salon keeps such fields as plain text and escapes them when it shows them, so the entities are decoded here, once;
// wpHTML does the reverse for an export. Tags in a title are left as they are.
func wpText(s string) string {
	return html.UnescapeString(s)
}

// truncateText cuts s to at most n bytes without splitting a character: imports keep what fits rather than refuse
// a post for an overlong title.
func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
