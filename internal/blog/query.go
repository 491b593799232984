package blog

import "time"

// PostFilter selects posts for a listing: the home page, an archive, a feed or an admin list. Zero fields do not
// filter, except that posts in the trash are left out unless Trash asks for them.
type PostFilter struct {
	Type        Type
	PublicAt    time.Time // when set, only what readers may see at that instant (see Post.IsPublic)
	Statuses    []Status
	CategoryIDs []int64 // posts in any of these categories
	TagID       int64
	AuthorID    int64
	From, Until time.Time // Published in [From, Until)
	Search      string    // words the title contains, case-insensitively (ASCII case on SQLite)
	Trash       bool      // only posts in the trash, instead of only posts out of it
	StickyFirst bool      // sticky posts lead, as on WordPress's home page
	Sort        PostSort  // "" is by date
	Ascending   bool      // oldest (or A to Z) first; the default is newest (or Z to A) first
	Limit       int
	Offset      int
}

// PostSort is the order of an admin list.
type PostSort string

// Orders of a post list. Ties are broken by ID, so that pages never repeat or skip a post.
const (
	SortByDate     PostSort = "date"     // Published
	SortByTitle    PostSort = "title"    // Title, ignoring ASCII case (PostgreSQL also applies its collation)
	SortByModified PostSort = "modified" // Updated
)

// ParsePostSort validates an order given by a user; "" is by date.
func ParsePostSort(s string) (PostSort, error) {
	switch PostSort(s) {
	case "", SortByDate:
		return SortByDate, nil
	case SortByTitle, SortByModified:
		return PostSort(s), nil
	}
	return "", Errorf(EINVALID, "%q is not an order: use date, title or modified", s)
}

// PostTerms are what a post is filed under: category paths (each root first) and tag names, and existing
// categories and tags by ID. Storing a post creates the terms it names that do not exist yet.
type PostTerms struct {
	Categories  [][]string
	Tags        []string
	CategoryIDs []int64
	TagIDs      []int64
}

// TermsOf are the terms p is filed under now, by ID: what keeps them when only its status changes.
func TermsOf(p *Post) PostTerms {
	var t PostTerms
	for _, c := range p.Categories {
		t.CategoryIDs = append(t.CategoryIDs, c.ID)
	}
	for _, g := range p.Tags {
		t.TagIDs = append(t.TagIDs, g.ID)
	}
	return t
}
