package blog

import "strconv"

// CountOf writes n of a thing in words for people: "1 comment", "3 comments", "0 days". Every noun Salon counts
// takes an s.
func CountOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
