package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
)

// benchSettings make every comment the benchmark posts publish at once, as on a site whose readers are all known,
// so that the mixed run measures posting comments and not the moderation queue, and the final count can be checked.
var benchSettings = []setting{
	{"comment_moderation", "off"},
	{"comment_previously_approved", "off"},
	{"comment_max_links", "0"},
	{"comments_per_page", "0"},
}

// site is what seeding made.
type site struct {
	PostID   int64
	PostPath string // the benchmarked post's path, such as /2026/11/25/slug/
	Comments int    // approved comments on it
	Posts    int    // published posts in all
	Took     time.Duration
	// FormDelay is the least time Salon wants between showing a comment form and taking a comment from it.
	FormDelay time.Duration
}

// seed creates and fills the database at dbPath: an administrator, posts other posts an hour apart, and then the
// benchmarked post, the newest, with comments comments a minute apart. With flat, every category is a top-level
// one. Everything goes through Salon's writing and comment workflows, so the posts are rendered and the comments
// moderated and counted as Salon does it; only the clocks are set back.
func seed(ctx context.Context, dbPath string, posts, comments int, flat bool, extra []setting,
	progress io.Writer) (s site, err error) {
	start := time.Now()
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return s, err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	if _, err := st.Migrate(ctx); err != nil {
		return s, err
	}
	for _, kv := range append(append([]setting(nil), benchSettings...), extra...) {
		if err := st.SetSetting(ctx, kv.Key, kv.Value); err != nil {
			return s, fmt.Errorf("setting %s: %w", kv.Key, err)
		}
	}
	admin := blog.User{Email: "editor@example.org", Name: "Ada Editor", Slug: "ada-editor", Role: blog.RoleAdmin}
	if err := st.CreateUser(ctx, &admin); err != nil {
		return s, err
	}
	// The benchmarked post is the newest, dated before its comments, which end an hour ago (outside any flood
	// window); the other posts end an hour before it.
	first := time.Now().UTC().Truncate(time.Second).Add(-time.Duration(comments+60) * time.Minute)
	w := &post.Writer{Store: st, Now: st.Now}
	category := func(path string) string {
		if flat {
			path, _, _ = strings.Cut(path, "/")
		}
		return path
	}
	if err := seedPosts(ctx, w, posts, first.Add(-time.Hour), category, progress); err != nil {
		return s, err
	}
	p, err := w.Create(ctx, post.Draft{Title: "What a good discussion looks like", Body: longBody(), Date: first,
		Categories: []string{category("Essays/Discussion")}, Tags: []string{"comments", "community", "writing"}})
	if err != nil {
		return s, fmt.Errorf("create the benchmarked post: %w", err)
	}
	settings, err := st.Settings(ctx)
	if err != nil {
		return s, err
	}
	if err := seedComments(ctx, st, p, comments, first, settings.Discussion); err != nil {
		return s, err
	}
	p, err = st.Post(ctx, p.ID)
	if err != nil {
		return s, err
	}
	if p.CommentCount != comments {
		return s, fmt.Errorf("the post has %d approved comments after seeding %d", p.CommentCount, comments)
	}
	return site{PostID: p.ID, PostPath: settings.PostPath(&p), Comments: p.CommentCount, Posts: posts + 1,
		Took: time.Since(start), FormDelay: formDelay(&settings)}, nil
}

// formDelay reads the setting comment_min_seconds by its key, so that the benchmark also runs on versions of Salon
// without it (zero).
func formDelay(settings *blog.Settings) time.Duration {
	setting, err := blog.LookupSetting("comment_min_seconds")
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(setting.Get(settings))
	if err != nil {
		return 0
	}
	return time.Duration(n) * time.Second
}

// seedPosts creates n posts, the last dated at last and each one an hour before the next. Several writers run at
// once so that rendering overlaps the store's single writer connection.
func seedPosts(ctx context.Context, w *post.Writer, n int, last time.Time, category func(string) string, progress io.Writer) error {
	if n == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	var mu sync.Mutex
	made := 0
	started := time.Now()
	for range max(2, runtime.NumCPU()) {
		wg.Go(func() {
			for i := range jobs {
				rng := rand.New(rand.NewPCG(uint64(i), 1))
				d := post.Draft{
					Title: fmt.Sprintf("%s, part %d", title(rng), i+1), Body: shortBody(rng),
					Date:       last.Add(-time.Duration(n-1-i) * time.Hour),
					Categories: []string{category(categories[i%len(categories)])},
					Tags:       []string{tags[rng.IntN(len(tags))], tags[rng.IntN(len(tags))]},
				}
				if _, err := w.Create(ctx, d); err != nil {
					select {
					case errs <- fmt.Errorf("create post %d: %w", i+1, err):
					default:
					}
					cancel()
					return
				}
				mu.Lock()
				made++
				if made%10000 == 0 {
					fmt.Fprintf(progress, "  %d of %d posts (%.0f a second)\n", made, n, float64(made)/time.Since(started).Seconds())
				}
				mu.Unlock()
			}
		})
	}
	func() {
		defer close(jobs)
		for i := range n {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	return ctx.Err()
}

// seedComments submits n comments on p through the comment workflow, a minute apart from after, each by a different
// reader; every third is a reply to an earlier comment.
func seedComments(ctx context.Context, st *store.Store, p blog.Post, n int, after time.Time, d blog.Discussion) error {
	clock := after
	wf := &comment.Workflow{Store: st, Now: func() time.Time { return clock }}
	rng := rand.New(rand.NewPCG(42, 7))
	ids := make([]int64, 0, n)
	for i := range n {
		clock = after.Add(time.Duration(i+1) * time.Minute)
		in := blog.CommentInput{Name: readerName(rng), Email: fmt.Sprintf("reader%d@example.org", i+1), Body: commentText(rng)}
		if i%4 == 1 {
			in.URL = fmt.Sprintf("https://reader%d.example.net/", i+1)
		}
		if i%3 == 2 && len(ids) > 0 {
			in.ParentID = ids[rng.IntN(len(ids))]
		}
		c, err := wf.Submit(ctx, comment.Submission{Input: in, Post: p, IP: fmt.Sprintf("192.0.2.%d", i%250+1),
			UserAgent: "Mozilla/5.0 (salon bench seed)"}, d)
		if err != nil {
			return fmt.Errorf("seed comment %d: %w", i+1, err)
		}
		if c.Status != blog.CommentApproved {
			return fmt.Errorf("seed comment %d was %s (%s), not approved: check the discussion settings", i+1, c.Status, c.Moderation)
		}
		ids = append(ids, c.ID)
	}
	return nil
}

var categories = []string{
	"Essays", "Essays/Discussion", "Politics", "Politics/Elections", "Books", "Books/Reviews", "Cities", "Science",
	"Science/Climate", "Work", "Food", "Letters",
}

var tags = []string{
	"comments", "community", "writing", "reading", "elections", "transit", "housing", "libraries", "climate", "energy",
	"history", "poetry", "cooking", "bread", "schools", "music", "cinema", "walking", "bicycles", "gardens", "maps",
	"letters", "interviews", "essays", "notes", "travel", "work", "weather", "rivers", "bridges",
}

var words = strings.Fields(`the a of and to in that is was it for on with as by at from this be are have not but or
	an they which one you were all we there been their has would when more will who if out so said what about
	into than them can only other new some could time these two may first then do any like my now over such our
	man me even most made after also did many before must through back years where much your way well down should
	because each just those people how too little state good very make world still own see men work long get here
	between both life being under never day same another know while last might us great old year off come since
	against go came right used take three city street river bridge library garden letter neighbour evening morning
	argument question answer reader writer thread column council vote school market harbour winter summer`)

func sentence(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		w := words[rng.IntN(len(words))]
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	b.WriteByte('.')
	return b.String()
}

func paragraph(rng *rand.Rand, sentences int) string {
	parts := make([]string, sentences)
	for i := range parts {
		parts[i] = sentence(rng, 8+rng.IntN(14))
	}
	return strings.Join(parts, " ")
}

func title(rng *rand.Rand) string {
	t := sentence(rng, 3+rng.IntN(5))
	return strings.TrimSuffix(t, ".")
}

// shortBody is an ordinary post: a few paragraphs, sometimes a list or a quote, with a "more" break.
func shortBody(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString(paragraph(rng, 3) + "\n\n<!--more-->\n\n")
	for i := range 2 + rng.IntN(4) {
		switch {
		case i == 1 && rng.IntN(3) == 0:
			fmt.Fprintf(&b, "- %s\n- %s\n- %s\n\n", sentence(rng, 6), sentence(rng, 7), sentence(rng, 5))
		case i == 2 && rng.IntN(3) == 0:
			fmt.Fprintf(&b, "> %s\n\n", paragraph(rng, 2))
		default:
			fmt.Fprintf(&b, "%s *%s* [%s](https://example.com/%d).\n\n", paragraph(rng, 3+rng.IntN(3)), sentence(rng, 4),
				"a source", rng.IntN(1000))
		}
	}
	return b.String()
}

// longBody is the benchmarked post: about 1,500 words with headings, lists, quotes, code and footnotes.
func longBody() string {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString(paragraph(rng, 4) + "\n\n<!--more-->\n\n")
	for s := range 5 {
		fmt.Fprintf(&b, "## %s\n\n", title(rng))
		fmt.Fprintf(&b, "%s[^%d]\n\n", paragraph(rng, 5), s+1)
		fmt.Fprintf(&b, "1. %s\n2. **%s**\n3. %s\n\n", sentence(rng, 9), sentence(rng, 6), sentence(rng, 11))
		fmt.Fprintf(&b, "> %s\n>\n> — %s\n\n", paragraph(rng, 2), readerName(rng))
		fmt.Fprintf(&b, "%s See [the minutes](https://example.com/minutes/%d) and `count(*)` in the notes.\n\n", paragraph(rng, 4), s)
		if s == 2 {
			b.WriteString("```go\nfor _, c := range thread {\n\tfmt.Println(c.Number, c.Author)\n}\n```\n\n")
			b.WriteString("| Ward | Turnout | Change |\n| --- | ---: | ---: |\n| North | 61% | +4 |\n| River | 55% | −2 |\n\n")
		}
	}
	for s := range 5 {
		fmt.Fprintf(&b, "[^%d]: %s\n", s+1, sentence(rng, 10))
	}
	return b.String()
}

var firstNames = strings.Fields(`Ada Ben Chloé Dmitri Esther Farid Grace Hiro Ines Jonas Kemi Lars Maya Noor Omar Priya
	Quinn Rosa Sami Tove Ugo Vera Wen Yusuf Zoë`)

var lastNames = strings.Fields(`Abara Becker Castillo Dubois Eriksen Fischer García Haddad Ito Jansen Kowalski Larsen
	Moreau Nakamura Okafor Petrov Quispe Rossi Silva Tanaka Urquhart Varga Weber Yilmaz Zhou`)

func readerName(rng *rand.Rand) string {
	return firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))]
}

// commentText is a reader's comment: one to four sentences such as readers write, sometimes a second paragraph
// with emphasis or a link. Real sentences rather than random words, so that Salon's spam classifier (trained on
// YouTube comments) treats them as the ham they are: it holds about one in 250 of them.
func commentText(rng *rand.Rand) string {
	parts := make([]string, 1+rng.IntN(4))
	for i := range parts {
		parts[i] = commentSentences[rng.IntN(len(commentSentences))]
	}
	text := strings.Join(parts, " ")
	switch rng.IntN(8) {
	case 0:
		text += "\n\nI *strongly* disagree with the second point, though."
	case 1:
		text += fmt.Sprintf("\n\nThe minutes are here: https://example.com/minutes/%d", rng.IntN(500))
	}
	return text
}

var commentSentences = []string{
	"I read this twice and I still think the second point is the strongest.",
	"I disagree with the part about the council, though.",
	"The minutes from last spring tell a slightly different story.",
	"My grandmother used to say the same thing about the old library.",
	"Has anyone asked the people who actually live on that street?",
	"This is the most thoughtful piece I have read on the subject this year.",
	"I am not sure the numbers in the table support the conclusion.",
	"The footnote about turnout deserves a post of its own.",
	"Good point, but the budget was set before any of this happened.",
	"It reminds me of the argument we had here last winter.",
	"Some of the replies above miss what the author actually wrote.",
	"I changed my mind halfway through reading this.",
	"Could you say more about how the vote was counted?",
	"The quote in the third section is from a different speech, I think.",
	"Our school had the same problem with the bus routes.",
	"I agree with most of it, apart from the conclusion.",
	"This thread is why I still read the comments here.",
	"The bridge was closed for two months, which nobody mentions.",
	"I walked past the market this morning and it was busier than ever.",
	"What would change if the election were held in the spring instead?",
	"The reply about the harbour is worth reading in full.",
	"I found the history section fascinating.",
	"This matches what the reader survey found last year.",
	"I hope the next piece looks at the other side of the river.",
}
