// Package avatar draws the small picture beside a commenter's name: a symmetric 5×5 pattern and a colour taken from
// a hash, rendered as SVG on the site itself, so that showing avatars sends nothing about readers to anyone else.
package avatar

import (
	"fmt"
	"strings"
)

// SVG draws the avatar for a hash (at least 8 bytes; a keyed hash of the email, so that the picture reveals
// nothing). The same hash always gives the same picture.
func SVG(hash []byte) []byte {
	if len(hash) < 8 {
		hash = append(hash, make([]byte, 8-len(hash))...)
	}
	hue := (int(hash[0])<<8 | int(hash[1])) % 360
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 5 5" width="80" height="80" shape-rendering="crispEdges">`)
	fmt.Fprintf(&b, `<rect width="5" height="5" fill="hsl(%d 35%% 92%%)"/><g fill="hsl(%d 55%% 42%%)">`, hue, hue)
	// 15 bits decide the left three columns; the right two mirror them.
	bits := uint32(hash[2])<<16 | uint32(hash[3])<<8 | uint32(hash[4])
	for col := range 3 {
		for row := range 5 {
			if bits&(1<<(col*5+row)) == 0 {
				continue
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="1" height="1"/>`, col, row)
			if col < 2 {
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="1" height="1"/>`, 4-col, row)
			}
		}
	}
	b.WriteString(`</g></svg>`)
	return []byte(b.String())
}
