// Package blog owns Salon's domain: posts and pages, users and their roles, categories and tags, site settings,
// the rules that validate them, the permalinks they are published under, and the one error vocabulary every other
// package speaks. It does no I/O.
package blog
