package blog

import (
	"strings"
	"unicode/utf8"
)

// Taxonomy says whether a term is a category (hierarchical) or a tag (flat).
type Taxonomy string

// Taxonomies.
const (
	Category Taxonomy = "category"
	Tag      Taxonomy = "tag"
)

// Term is a category or a tag. Categories may have a parent; their Path joins the slugs from the root, which is
// what their URL shows (/category/politics/elections/).
type Term struct {
	ID       int64
	Taxonomy Taxonomy
	Name     string
	Slug     string
	ParentID int64
	Path     string
}

// MaxTermNameLen bounds a category or tag name.
const MaxTermNameLen = 200

// ParseCategoryPath splits "Politics/Elections" into its names, root first. Empty segments are errors, since they
// usually mean a typo.
func ParseCategoryPath(s string) ([]string, error) {
	parts := strings.Split(s, "/")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if err := validateTermName(p); err != nil {
			return nil, Errorf(EINVALID, "category %q: %s", s, err.Error())
		}
		parts[i] = p
	}
	return parts, nil
}

// ParseTags validates tag names, dropping blanks and repeats (two names with one slug are one tag).
func ParseTags(names []string) ([]string, error) {
	var tags []string
	seen := map[string]bool{}
	for _, t := range names {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if err := validateTermName(t); err != nil {
			return nil, Errorf(EINVALID, "tag %q: %s", t, err.Error())
		}
		if key := Slugify(t); !seen[key] {
			seen[key] = true
			tags = append(tags, t)
		}
	}
	return tags, nil
}

func validateTermName(name string) error {
	switch {
	case name == "":
		return Errorf(EINVALID, "the name is empty")
	case !utf8.ValidString(name):
		return Errorf(EINVALID, "the name is not valid UTF-8")
	case utf8.RuneCountInString(name) > MaxTermNameLen:
		return Errorf(EINVALID, "the name is longer than %d characters", MaxTermNameLen)
	case Slugify(name) == "":
		return Errorf(EINVALID, "the name has no letters or digits")
	}
	return nil
}

// DescendantIDs returns the category and every category below it: a category's archive shows its children's
// posts too, as in WordPress.
func DescendantIDs(cats []Term, root int64) []int64 {
	ids := []int64{root}
	for i := 0; i < len(ids); i++ {
		for _, c := range cats {
			if c.ParentID == ids[i] && c.ID != root {
				ids = append(ids, c.ID)
			}
		}
	}
	return ids
}
