package blog

import "strconv"

// CountOf writes n of a thing in words for people, "1 comment", "3 comments", "0 days", for a noun whose plural
// takes an s.
func CountOf(n int, noun string) string { return Count(n, noun, noun+"s") }

// Count writes n of a thing whose plural is many: Count(2, "category", "categories").
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
