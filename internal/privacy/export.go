// Package privacy answers a commenter's privacy request: the export of everything held under an email address, in
// one stable JSON shape for `salon privacy export` and the self-service download, and the emailed, signed link with
// which a commenter proves the address is theirs before seeing, downloading or erasing that data. The data itself is
// gathered and erased by the store (store.PersonalData, store.ErasePersonalData).
package privacy

import (
	"fmt"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// Document is the stable JSON shape of an export.
type Document struct {
	Email         string         `json:"email"`
	Exported      time.Time      `json:"exported"`
	Comments      []Comment      `json:"comments"`
	Subscriptions []Subscription `json:"subscriptions"`
	Account       *Account       `json:"account"`
	Notes         []string       `json:"notes"`
}

// Comment is one exported comment.
type Comment struct {
	ID        int64     `json:"id"`
	PostID    int64     `json:"post_id"`
	PostTitle string    `json:"post_title"`
	PostURL   string    `json:"post_url"`
	URL       string    `json:"url"` // the comment's own link, which answers only while it is approved
	ParentID  int64     `json:"parent_id,omitempty"`
	Status    string    `json:"status"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Website   string    `json:"website"`
	IP        string    `json:"ip"` // "" once erased after the site's comment_ip_days
	UserAgent string    `json:"user_agent"`
	Text      string    `json:"text"`
}

// Subscription is one exported subscription to a discussion.
type Subscription struct {
	ID        int64     `json:"id"`
	PostID    int64     `json:"post_id"`
	PostTitle string    `json:"post_title"`
	Mode      string    `json:"mode"`
	Confirmed bool      `json:"confirmed"`
	Created   time.Time `json:"created"`
}

// Account is the user account with the address, named but not exported further (writers are not erased this way).
type Account struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// Export shapes what the store holds under one address as the export document, with links made from the site's
// url setting (relative when it is empty) and the time of the export.
func Export(settings blog.Settings, data store.PersonalData, now time.Time) Document {
	out := Document{Email: data.Email, Exported: now.UTC().Truncate(time.Second),
		Comments: []Comment{}, Subscriptions: []Subscription{}, Notes: []string{
			fmt.Sprintf("IP addresses are kept %d days after a comment is sent, then erased.", settings.Discussion.IPRetentionDays),
			"Email addresses are never published. Names, websites and comment texts of approved comments are public.",
		}}
	for _, c := range data.Comments {
		out.Comments = append(out.Comments, Comment{ID: c.ID, PostID: c.PostID, PostTitle: c.Post.Title,
			PostURL: settings.URL + settings.PostPath(&c.Post), URL: fmt.Sprintf("%s/comments/%d/", settings.URL, c.ID),
			ParentID: c.ParentID, Status: string(c.Status), Created: c.Created, Updated: c.Updated, Name: c.AuthorName,
			Email: c.AuthorEmail, Website: c.AuthorURL, IP: c.AuthorIP, UserAgent: c.UserAgent, Text: c.Body})
	}
	for _, s := range data.Subscriptions {
		out.Subscriptions = append(out.Subscriptions, Subscription{ID: s.ID, PostID: s.PostID, PostTitle: s.PostTitle,
			Mode: string(s.Mode), Confirmed: s.Active, Created: s.Created})
	}
	if u := data.User; u != nil {
		out.Account = &Account{ID: u.ID, Name: u.Name, Role: string(u.Role)}
	}
	return out
}

// Holds reports whether the site holds anything under the address: a comment, a subscription or an account.
func Holds(data store.PersonalData) bool {
	return len(data.Comments) > 0 || len(data.Subscriptions) > 0 || data.User != nil
}
