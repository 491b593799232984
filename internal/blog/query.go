package blog

import "time"

// PostFilter selects posts for a listing: the home page, an archive, a feed or an admin list. Zero fields do not
// filter.
type PostFilter struct {
	Type        Type
	PublicAt    time.Time // when set, only what readers may see at that instant (see Post.IsPublic)
	Statuses    []Status
	CategoryIDs []int64 // posts in any of these categories
	TagID       int64
	AuthorID    int64
	From, Until time.Time // Published in [From, Until)
	StickyFirst bool      // sticky posts lead, as on WordPress's home page
	Limit       int
	Offset      int
}

// PostTerms are what a post is filed under: category paths (each root first) and tag names. Storing a post creates
// the terms it names that do not exist yet.
type PostTerms struct {
	Categories [][]string
	Tags       []string
}
