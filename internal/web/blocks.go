package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
	"github.com/salon-blog/salon/internal/store"
)

// Blocks keep out commenters a moderator refused: by email address, IP address, network or domain, until removed or
// until they expire. They live in the database, so every server process applies them at once; the check is one
// query per comment submission. Editors and administrators manage them at /admin/blocks/ (and with `salon block`).

// blockStore is what blocking reads and writes.
type blockStore interface {
	MatchBlock(ctx context.Context, c store.Commenter, now time.Time) (store.Block, bool, error)
	AddBlock(ctx context.Context, b *store.Block) error
	Blocks(ctx context.Context) ([]store.Block, error)
	RemoveBlock(ctx context.Context, id int64) error
}

// blockedRefusal is all a blocked commenter is told: not which rule matched, nor that there is a rule at all.
const blockedRefusal = "Sorry, comments from you are not accepted on this site."

// blockedCommenter reports whether a reader's submission is refused by a block. Signed-in writers are never
// blocked: their accounts are managed in Users. The matching block is logged for the moderators, never shown.
func (s *Server) blockedCommenter(r *http.Request, sub comment.Submission) (bool, error) {
	if _, _, ok := s.signedIn(r); ok {
		return false, nil
	}
	b, ok, err := s.store.MatchBlock(r.Context(), store.Commenter{Email: sub.Input.Email, IP: sub.IP, URL: sub.Input.URL}, s.now())
	if err != nil || !ok {
		return false, err
	}
	s.log.InfoContext(r.Context(), "comment refused by a block", "block", b.ID, "kind", b.Kind, "post", sub.Post.ID, "ip", sub.IP)
	return true, nil
}

func (s *Server) blockRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/blocks/{$}", s.blockManager(s.blockList))
	mux.Handle("POST /admin/blocks/{$}", s.blockManager(s.addBlock))
	mux.Handle("POST /admin/blocks/{id}/remove/{$}", s.blockManager(s.removeBlock))
}

// blockManager wraps a blocks handler: editors and administrators only, as for every site-wide discussion rule.
func (s *Server) blockManager(h func(http.ResponseWriter, *http.Request, *adminRequest) error) http.Handler {
	return s.admin(func(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
		if a.user.Role != blog.RoleAdmin && a.user.Role != blog.RoleEditor {
			return blog.Errorf(blog.EFORBIDDEN, "only editors and administrators block commenters")
		}
		return h(w, r, a)
	})
}

// blocksPage lists the blocks with a form to add one; from a comment in the queue, the form offers its author's
// email, address, network and domains.
type blocksPage struct {
	adminPage
	Blocks  []blockRow
	Kinds   []store.BlockKind
	Kind    string
	Value   string
	Days    string
	Reason  string
	Error   string
	From    string        // the comment's author, when coming from the queue
	Choices []blockChoice // what that comment offers to block
}

type blockRow struct {
	ID      int64
	Kind    string
	Value   string
	Reason  string
	By      string
	Created dateView
	Expires string // "never", a date, or a date and "(expired)"
	Expired bool
}

type blockChoice struct {
	Kind  string
	Value string
}

func (s *Server) renderBlocks(w http.ResponseWriter, r *http.Request, a *adminRequest, status int, v *blocksPage) error {
	base, err := s.adminBase(r, a, "Blocked commenters")
	if err != nil {
		return err
	}
	v.adminPage, v.Kinds = base, store.BlockKinds
	blocks, err := s.store.Blocks(r.Context())
	if err != nil {
		return err
	}
	for _, b := range blocks {
		row := blockRow{ID: b.ID, Kind: string(b.Kind), Value: b.Value, Reason: b.Reason, By: b.CreatedBy,
			Created: newDateView(b.Created, a.loc, a.settings.DateFormat), Expires: "never"}
		if !b.Expires.IsZero() {
			row.Expires = newDateView(b.Expires, a.loc, a.settings.DateFormat).Text
			if !b.Active(a.now) {
				row.Expired, row.Expires = true, row.Expires+" (expired)"
			}
		}
		v.Blocks = append(v.Blocks, row)
	}
	return s.views.render(w, status, "admin/blocks", v)
}

func (s *Server) blockList(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	v := &blocksPage{Kind: string(store.BlockEmail)}
	if id, err := strconv.ParseInt(r.URL.Query().Get("comment"), 10, 64); err == nil {
		c, err := s.store.Comment(r.Context(), id)
		if err != nil {
			return err
		}
		v.From = c.AuthorName
		if c.AuthorEmail != "" {
			v.Choices = append(v.Choices, blockChoice{string(store.BlockEmail), c.AuthorEmail})
		}
		if c.AuthorIP != "" {
			v.Choices = append(v.Choices, blockChoice{string(store.BlockIP), c.AuthorIP})
			if n := store.Network(c.AuthorIP); n != "" {
				v.Choices = append(v.Choices, blockChoice{string(store.BlockNetwork), n})
			}
		}
		if u, err := url.Parse(c.AuthorURL); err == nil && u.Hostname() != "" {
			v.Choices = append(v.Choices, blockChoice{string(store.BlockDomain), strings.ToLower(u.Hostname())})
		}
	}
	return s.renderBlocks(w, r, a, http.StatusOK, v)
}

// addBlock takes the form: a kind and a value (or a "kind value" choice offered from a comment), an optional
// number of days and a reason.
func (s *Server) addBlock(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	v := &blocksPage{Kind: r.PostFormValue("kind"), Value: r.PostFormValue("value"), Days: strings.TrimSpace(r.PostFormValue("days")),
		Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	if choice := r.PostFormValue("choice"); choice != "" {
		v.Kind, v.Value, _ = strings.Cut(choice, " ")
	}
	b, err := store.NewBlock(store.BlockKind(v.Kind), v.Value)
	if err == nil && v.Days != "" {
		days, convErr := strconv.Atoi(v.Days)
		if convErr != nil || days < 1 || days > 36500 {
			err = blog.Errorf(blog.EINVALID, "the number of days must be a whole number from 1 to 36500, or empty for a block that never ends")
		} else {
			b.Expires = a.now.AddDate(0, 0, days)
		}
	}
	if err == nil {
		b.Reason, b.CreatedBy = v.Reason, a.user.Email
		err = s.store.AddBlock(r.Context(), &b)
	}
	if code := blog.ErrorCode(err); code == blog.EINVALID || code == blog.ECONFLICT {
		v.Error = blog.ErrorMessage(err)
		return s.renderBlocks(w, r, a, http.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "commenter blocked", "block", b.ID, "kind", b.Kind, "user", a.user.ID)
	http.Redirect(w, r, s.withNotice("/admin/blocks/", "Blocked the "+string(b.Kind)+" "+b.Value+"."), http.StatusSeeOther)
	return nil
}

func (s *Server) removeBlock(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	if err := s.store.RemoveBlock(r.Context(), id); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "block removed", "block", id, "user", a.user.ID)
	http.Redirect(w, r, s.withNotice("/admin/blocks/", "Removed the block."), http.StatusSeeOther)
	return nil
}
