package blog

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PermalinkStyle is the shape of a post's URL.
type PermalinkStyle string

// Permalink styles, named as WordPress's settings screen shows them.
const (
	PermalinkDay   PermalinkStyle = "day"   // /2024/05/17/slug/ (the default, WordPress's "Day and name")
	PermalinkMonth PermalinkStyle = "month" // /2024/05/slug/
	PermalinkPlain PermalinkStyle = "name"  // /slug/ (WordPress's "Post name")
)

// Settings are the site-wide choices an administrator makes.
type Settings struct {
	Title        string
	Tagline      string
	URL          string // canonical address such as https://example.com; "" means: as the request came in
	Language     string // BCP 47, for <html lang> and feeds
	TimeZone     string // IANA name; dates and date archives are in this zone
	PostsPerPage int
	FeedItems    int
	Permalink    PermalinkStyle
}

// DefaultSettings are a new site's settings.
func DefaultSettings() Settings {
	return Settings{
		Title:        "My Salon",
		Tagline:      "Writing and discussion",
		Language:     "en",
		TimeZone:     "UTC",
		PostsPerPage: 10,
		FeedItems:    10,
		Permalink:    PermalinkDay,
	}
}

// Setting describes one key of Settings as the CLI and storage name it.
type Setting struct {
	Key  string
	Help string
	get  func(*Settings) string
	set  func(*Settings, string) error
}

// Get returns the setting's current value as text.
func (s Setting) Get(st *Settings) string { return s.get(st) }

// Set parses and stores a value, or says in plain words why it cannot.
func (s Setting) Set(st *Settings, v string) error { return s.set(st, v) }

// SettingKeys lists every setting by its stored key. Storage keeps settings as key/value text through these, so a
// new setting needs only a line here.
var SettingKeys = []Setting{
	{"title", "the site's name", func(s *Settings) string { return s.Title }, func(s *Settings, v string) error {
		if strings.TrimSpace(v) == "" || utf8.RuneCountInString(v) > 200 {
			return Errorf(EINVALID, "the title must be 1 to 200 characters")
		}
		s.Title = v
		return nil
	}},
	{"tagline", "a line under the title", func(s *Settings) string { return s.Tagline }, func(s *Settings, v string) error {
		if utf8.RuneCountInString(v) > 300 {
			return Errorf(EINVALID, "the tagline is longer than 300 characters")
		}
		s.Tagline = v
		return nil
	}},
	{"url", "the site's public address, such as https://example.com (empty: as requested)", func(s *Settings) string { return s.URL }, func(s *Settings, v string) error {
		v = strings.TrimRight(strings.TrimSpace(v), "/")
		if v != "" {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return Errorf(EINVALID, "%q is not a site address such as https://example.com", v)
			}
		}
		s.URL = v
		return nil
	}},
	{"language", "the site's language, such as en or fr-CA", func(s *Settings) string { return s.Language }, func(s *Settings, v string) error {
		if v == "" || len(v) > 35 || strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
			return Errorf(EINVALID, "%q is not a language tag such as en or fr-CA", v)
		}
		s.Language = v
		return nil
	}},
	{"timezone", "an IANA time zone such as Europe/Paris", func(s *Settings) string { return s.TimeZone }, func(s *Settings, v string) error {
		if _, err := time.LoadLocation(v); err != nil || v == "" || v == "Local" {
			return Errorf(EINVALID, "%q is not a time zone name such as Europe/Paris or America/New_York", v)
		}
		s.TimeZone = v
		return nil
	}},
	{"posts_per_page", "posts on the home page and in archives (1-100)", func(s *Settings) string { return strconv.Itoa(s.PostsPerPage) }, func(s *Settings, v string) error {
		return setCount(&s.PostsPerPage, v, "posts_per_page")
	}},
	{"feed_items", "posts in each feed (1-100)", func(s *Settings) string { return strconv.Itoa(s.FeedItems) }, func(s *Settings, v string) error {
		return setCount(&s.FeedItems, v, "feed_items")
	}},
	{"permalink", "post URLs: day (/2024/05/17/slug/), month (/2024/05/slug/) or name (/slug/)", func(s *Settings) string { return string(s.Permalink) }, func(s *Settings, v string) error {
		switch p := PermalinkStyle(v); p {
		case PermalinkDay, PermalinkMonth, PermalinkPlain:
			s.Permalink = p
			return nil
		}
		return Errorf(EINVALID, "%q is not a permalink style: use day, month or name", v)
	}},
}

// LookupSetting finds a setting by key.
func LookupSetting(key string) (Setting, error) {
	for _, s := range SettingKeys {
		if s.Key == key {
			return s, nil
		}
	}
	return Setting{}, Errorf(EINVALID, "%q is not a setting; run `salon settings` to list them", key)
}

func setCount(dst *int, v, key string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100 {
		return Errorf(EINVALID, "%s must be a whole number from 1 to 100", key)
	}
	*dst = n
	return nil
}

// Location returns the site's time zone. A zone name that no longer loads (the system's zone database changed)
// falls back to UTC rather than failing every page.
func (s *Settings) Location() *time.Location {
	if loc, err := time.LoadLocation(s.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}
