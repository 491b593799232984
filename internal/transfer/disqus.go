package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/disqus"
	"github.com/salon-blog/salon/internal/markup"
)

// Disqus imports the comments of a Disqus export read from r into the posts they were written under. A thread is
// matched to a post by the dsq_thread_id a WordPress import carried, by the WordPress post ID in its identifier, or
// by its address (an old path, then the slug at its end). Threads that match no post are listed in the report with
// their comment counts, and their comments are not imported. Comments get new IDs (Disqus's are far larger than a
// blog's); replies are attached to their parents even when a file lists a reply first.
func Disqus[T Tx](ctx context.Context, begin Begin[T], r io.Reader, size int64, progress func(Progress)) (Report, error) {
	var rep Report
	err := begin(ctx, func(tx T) error {
		rep = Report{Ignored: map[string]int{}}
		d := &dsqImport{tx: tx, rep: &rep, threads: map[string]*dsqThread{}, comments: map[string]int64{},
			waiting: map[string][]waitingReply{}, in: &counter{r: r}, size: size, progress: progress, started: time.Now()}
		return d.run(ctx)
	})
	if err != nil {
		return Report{}, err
	}
	return rep, nil
}

type dsqThread struct {
	post  int64 // 0 when no post matches
	link  string
	title string
	count int // comments seen on an unmatched thread
}

// waitingReply is a reply read before the comment it answers.
type waitingReply struct {
	id   int64
	line int
}

type dsqImport struct {
	tx       Tx
	rep      *Report
	threads  map[string]*dsqThread
	comments map[string]int64          // Disqus post ID → local comment ID
	waiting  map[string][]waitingReply // Disqus post ID → replies to it that arrived first
	in       *counter
	size     int64
	progress func(Progress)
	started  time.Time
	records  int
	seen     int
}

func (d *dsqImport) run(ctx context.Context) error {
	rd := disqus.NewReader(d.in)
	for first := true; ; first = false {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			if first {
				return blog.Errorf(blog.EINVALID, "the file is empty")
			}
			return d.finish()
		}
		var de *disqus.Error
		if errors.As(err, &de) {
			return blog.Errorf(blog.EINVALID, "%s", de.Error())
		}
		if err != nil {
			return fmt.Errorf("read the export: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		switch rec := rec.(type) {
		case *disqus.Thread:
			err = d.thread(ctx, rec)
		case *disqus.Post:
			err = d.post(ctx, rec)
		}
		if err != nil {
			return err
		}
	}
}

func (d *dsqImport) finish() error {
	for parent, replies := range d.waiting {
		return lineError(replies[0].line, "the comment replies to the Disqus post %s, which is not in the file", parent)
	}
	for _, t := range d.threads {
		if t.post == 0 && t.count > 0 {
			d.rep.Unmatched = append(d.rep.Unmatched, Unmatched{Link: t.link, Title: t.title, Comments: t.count})
		}
	}
	if d.progress != nil {
		d.progress(Progress{Read: d.in.n, Size: d.size, Records: d.records, Comments: d.seen, Started: d.started})
	}
	return nil
}

func (d *dsqImport) source(forum string) string {
	if d.rep.Source == "" && forum != "" {
		d.rep.Source = "disqus:" + forum
	}
	if d.rep.Source == "" {
		return "disqus"
	}
	return d.rep.Source
}

func (d *dsqImport) thread(ctx context.Context, t *disqus.Thread) error {
	d.source(t.Forum)
	d.records++
	if _, dup := d.threads[t.ID]; dup {
		return lineError(t.Line, "the thread %s appears twice", t.ID)
	}
	id, err := d.match(ctx, t)
	if err != nil {
		return err
	}
	d.threads[t.ID] = &dsqThread{post: id, link: t.Link, title: t.Title}
	return nil
}

// match finds the post a thread belongs to, 0 when none does.
func (d *dsqImport) match(ctx context.Context, t *disqus.Thread) (int64, error) {
	if id, err := d.tx.Imported(ctx, "disqus", kindThread, t.ID); err != nil || id != 0 {
		return id, err
	}
	if wp, ok := t.WordPressID(); ok {
		if id, err := d.tx.ImportedPost(ctx, strconv.FormatInt(wp, 10)); err != nil || id != 0 {
			return id, err
		}
	}
	u, err := url.Parse(strings.TrimSpace(t.Link))
	if err != nil || u.Path == "" {
		return 0, nil
	}
	if q := u.Query(); q.Get("p") != "" || q.Get("page_id") != "" {
		return d.tx.ImportedPost(ctx, q.Get("p")+q.Get("page_id"))
	}
	path := strings.TrimSuffix(u.Path, "index.html")
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	if id, err := d.tx.PostIDByOldPath(ctx, path); err != nil || id != 0 {
		return id, err
	}
	segs := strings.FieldsFunc(path, func(c rune) bool { return c == '/' })
	if len(segs) == 0 {
		return 0, nil
	}
	slug := strings.TrimSuffix(segs[len(segs)-1], ".html")
	if s, err := url.PathUnescape(slug); err == nil {
		slug = s
	}
	return d.tx.PostIDBySlug(ctx, slug)
}

func (d *dsqImport) post(ctx context.Context, p *disqus.Post) error {
	d.seen++
	if d.seen%(progressEvery*20) == 0 && d.progress != nil {
		d.progress(Progress{Read: d.in.n, Size: d.size, Records: d.records, Comments: d.seen, Started: d.started})
	}
	source := d.source("")
	t, ok := d.threads[p.ThreadID]
	if !ok {
		t = &dsqThread{link: "(thread " + p.ThreadID + ", not in the file)"}
		d.threads[p.ThreadID] = t
	}
	if t.post == 0 {
		t.count++
		return nil
	}
	if p.ID != "" {
		if _, dup := d.comments[p.ID]; dup {
			return lineError(p.Line, "the Disqus post %s appears twice", p.ID)
		}
		id, err := d.tx.Imported(ctx, source, kindComment, p.ID)
		if err != nil {
			return err
		}
		if id != 0 {
			d.rep.Skipped++
			d.comments[p.ID] = id
			return d.attachWaiting(ctx, p.ID, id)
		}
	}
	c := blog.Comment{
		PostID: t.post, AuthorName: truncateText(strings.TrimSpace(p.AuthorName), blog.MaxCommentNameLen),
		AuthorEmail: truncateText(strings.TrimSpace(p.AuthorEmail), blog.MaxCommentEmailLen), AuthorIP: p.IP,
		Body: p.Message, Format: blog.FormatWordPress, Status: blog.CommentApproved, Created: p.Created,
		Moderation: "imported from " + source,
	}
	switch {
	case p.Spam:
		c.Status = blog.CommentSpam
	case p.Deleted:
		c.Status = blog.CommentTrash
	case !p.Approved:
		c.Status = blog.CommentPending
	}
	if c.AuthorName == "" {
		c.AuthorName = "Anonymous"
	}
	if c.Created.IsZero() {
		c.Created = time.Now().UTC()
	}
	if p.ParentID != "" {
		parent, ok := d.comments[p.ParentID]
		if !ok {
			var err error
			if parent, err = d.tx.Imported(ctx, source, kindComment, p.ParentID); err != nil {
				return err
			}
		}
		c.ParentID = parent
	}
	c.HTML = string(markup.RenderCommentBody(c.Format, c.Body))
	if err := d.tx.AddComment(ctx, &c); err != nil {
		return fmt.Errorf("line %d: %w", p.Line, err)
	}
	d.rep.Comments++
	if p.ParentID != "" && c.ParentID == 0 {
		d.waiting[p.ParentID] = append(d.waiting[p.ParentID], waitingReply{id: c.ID, line: p.Line})
	}
	if p.ID == "" {
		return nil
	}
	d.comments[p.ID] = c.ID
	if err := d.tx.Remember(ctx, source, kindComment, p.ID, c.ID); err != nil {
		return err
	}
	return d.attachWaiting(ctx, p.ID, c.ID)
}

// attachWaiting gives the replies that arrived before their parent that parent.
func (d *dsqImport) attachWaiting(ctx context.Context, dsqID string, id int64) error {
	for _, r := range d.waiting[dsqID] {
		if err := d.tx.SetCommentParent(ctx, r.id, id); err != nil {
			return err
		}
	}
	delete(d.waiting, dsqID)
	return nil
}
