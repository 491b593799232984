package post

import "github.com/salon-blog/salon/internal/blog"

// The roles' rights over posts, as WordPress gives them. The zero User is the site's operator (the CLI) and may do
// everything; every other caller passes the signed-in user.

// MayEdit reports whether u may change p: its text, its status, and its place in the trash. Editors and
// administrators may change every post; authors their own; contributors their own while it is unpublished (a
// draft or pending review).
func MayEdit(u blog.User, p *blog.Post) bool {
	switch {
	case u.ID == 0 || mayEditOthers(u):
		return true
	case p.AuthorID != u.ID:
		return false
	case u.Role == blog.RoleAuthor:
		return true
	case u.Role == blog.RoleContributor:
		return unpublished(p.Status)
	}
	return false
}

// MayGive reports whether u may give a post the status st: publishing, scheduling and private posts take a role
// that publishes; contributors may only save drafts and submit them for review.
func MayGive(u blog.User, st blog.Status) bool {
	return u.ID == 0 || unpublished(st) || u.Role.CanPublish()
}

// ListScope narrows an admin list to what u may see: editors and administrators see every post, authors their
// own, contributors their own drafts and pending posts. It reports false when u may see none of what f asks for.
func ListScope(u blog.User, f *blog.PostFilter) bool {
	switch {
	case u.ID == 0 || mayEditOthers(u):
		return true
	case u.Role == blog.RoleContributor:
		f.AuthorID = u.ID
		if len(f.Statuses) == 0 {
			f.Statuses = []blog.Status{blog.StatusDraft, blog.StatusPending}
			return true
		}
		var keep []blog.Status
		for _, st := range f.Statuses {
			if unpublished(st) {
				keep = append(keep, st)
			}
		}
		f.Statuses = keep
		return len(keep) > 0
	}
	f.AuthorID = u.ID
	return true
}

func mayEditOthers(u blog.User) bool { return u.Role == blog.RoleAdmin || u.Role == blog.RoleEditor }

func mayGive(u blog.User, st blog.Status) error {
	if !MayGive(u, st) {
		return blog.Errorf(blog.EFORBIDDEN, "contributors cannot publish: save a draft or submit it for review")
	}
	return nil
}

func forbidden(u blog.User, p *blog.Post) error {
	if u.Role == blog.RoleContributor && p.AuthorID == u.ID {
		return blog.Errorf(blog.EFORBIDDEN, "this post is published: contributors may change their posts only until they are")
	}
	return blog.Errorf(blog.EFORBIDDEN, "you may change your own posts only")
}
