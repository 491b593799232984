package blog

import (
	"net/url"
	"slices"
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
	DateFormat   string // how dates are shown: one of DateFormats, a layout of Go's time package
	PostsPerPage int
	FeedItems    int
	Permalink    PermalinkStyle
	Discussion   Discussion
	Notify       Notifications
}

// Discussion holds the comment settings, as WordPress's Discussion screen has them.
type Discussion struct {
	Enabled            bool     // the site-wide switch: false closes every thread
	HoldAll            bool     // every comment waits for a moderator
	TrustApproved      bool     // a commenter with an approved comment is approved at once
	MaxLinks           int      // hold a comment with this many links or more; 0 never holds for links
	ModerationWords    []string // hold a comment containing any of these
	DisallowedWords    []string // send a comment containing any of these to spam
	CloseAfterDays     int      // close threads on posts older than this; 0 never
	ThreadDepth        int      // replies nest this deep; deeper replies attach at the last level
	PerPage            int      // top-level comments per page; 0 shows all on one page
	NewestFirst        bool     // list comments newest first
	Gravatar           bool     // use Gravatar images instead of local avatars (sends a hash of the email to Gravatar)
	EditWindowMinutes  int      // a commenter may edit or delete their comment this long after posting
	TrashRetentionDays int      // trashed comments are purged after this long
	// IPRetentionDays is how long a comment's IP address (and its network) is kept; the hourly maintenance erases it
	// after that. Rate limits count only the last hour's comments, so this never weakens them.
	IPRetentionDays int
	// MinSubmitSeconds is the least time between showing the comment form and a submission from it: a person
	// takes longer to read and type, a program posting straight back does not. 0 turns the check off.
	MinSubmitSeconds int
}

// DefaultSettings are a new site's settings.
func DefaultSettings() Settings {
	return Settings{
		Title:        "My Salon",
		Tagline:      "Writing and discussion",
		Language:     "en",
		TimeZone:     "UTC",
		DateFormat:   DefaultDateFormat,
		PostsPerPage: 10,
		FeedItems:    10,
		Permalink:    PermalinkDay,
		Discussion: Discussion{
			Enabled: true, TrustApproved: true, MaxLinks: 2, ThreadDepth: 5, EditWindowMinutes: 10, TrashRetentionDays: 30,
			MinSubmitSeconds: 2, IPRetentionDays: 30,
		},
		Notify: Notifications{Moderators: true, DigestMinutes: 10},
	}
}

// DefaultDateFormat is how a new site shows dates: "May 17, 2024 at 10:00 am".
const DefaultDateFormat = "January 2, 2006 at 3:04 pm"

// DateFormats are the layouts a site may show its dates in, written as Go's reference time: each date style with
// the time and without it. A fixed list rather than any layout, since a mistyped layout prints nonsense dates.
var DateFormats = []string{
	DefaultDateFormat, "January 2, 2006",
	"2 January 2006 at 15:04", "2 January 2006",
	"2006-01-02 15:04", "2006-01-02",
	"02/01/2006 15:04", "02/01/2006",
	"1/2/2006 3:04 pm", "1/2/2006",
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
var SettingKeys = slices.Concat(siteSettings, discussionSettings, notifySettings)

var siteSettings = []Setting{
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
	{"date_format", "how dates are shown: " + strings.Join(DateFormats, " | "), func(s *Settings) string { return s.DateFormat }, func(s *Settings, v string) error {
		if !slices.Contains(DateFormats, v) {
			return Errorf(EINVALID, "%q is not one of the date formats: %s", v, strings.Join(DateFormats, ", "))
		}
		s.DateFormat = v
		return nil
	}},
	intSetting("posts_per_page", "posts on the home page and in archives", 1, 100, func(s *Settings) *int { return &s.PostsPerPage }),
	intSetting("feed_items", "posts in each feed", 1, 100, func(s *Settings) *int { return &s.FeedItems }),
	{"permalink", "post URLs: day (/2024/05/17/slug/), month (/2024/05/slug/) or name (/slug/)", func(s *Settings) string { return string(s.Permalink) }, func(s *Settings, v string) error {
		switch p := PermalinkStyle(v); p {
		case PermalinkDay, PermalinkMonth, PermalinkPlain:
			s.Permalink = p
			return nil
		}
		return Errorf(EINVALID, "%q is not a permalink style: use day, month or name", v)
	}},
}

// discussionSettings are the comment settings' keys.
var discussionSettings = []Setting{
	boolSetting("comments_enabled", "on: readers may comment; off: every thread is closed", func(s *Settings) *bool { return &s.Discussion.Enabled }),
	boolSetting("comment_moderation", "on: every comment waits for a moderator", func(s *Settings) *bool { return &s.Discussion.HoldAll }),
	boolSetting("comment_previously_approved", "on: a commenter with an approved comment is approved at once", func(s *Settings) *bool { return &s.Discussion.TrustApproved }),
	intSetting("comment_max_links", "hold a comment with this many links or more (0: never)", 0, 100, func(s *Settings) *int { return &s.Discussion.MaxLinks }),
	wordsSetting("moderation_keys", "words or phrases that hold a comment for moderation, one per line", func(s *Settings) *[]string { return &s.Discussion.ModerationWords }),
	wordsSetting("disallowed_keys", "words or phrases that send a comment to spam, one per line", func(s *Settings) *[]string { return &s.Discussion.DisallowedWords }),
	intSetting("close_comments_days_old", "close comments on posts older than this many days (0: never)", 0, 36500, func(s *Settings) *int { return &s.Discussion.CloseAfterDays }),
	intSetting("thread_comments_depth", "how deep replies nest (1: no nesting)", 1, 10, func(s *Settings) *int { return &s.Discussion.ThreadDepth }),
	intSetting("comments_per_page", "top-level comments per page (0: all on one page)", 0, 1000, func(s *Settings) *int { return &s.Discussion.PerPage }),
	{"comment_order", "oldest or newest comments first", func(s *Settings) string {
		if s.Discussion.NewestFirst {
			return "newest"
		}
		return "oldest"
	}, func(s *Settings, v string) error {
		switch v {
		case "oldest", "newest":
			s.Discussion.NewestFirst = v == "newest"
			return nil
		}
		return Errorf(EINVALID, "comment_order must be oldest or newest")
	}},
	boolSetting("gravatar", "on: show Gravatar images (sends a hash of each commenter's email to Gravatar); off: local avatars", func(s *Settings) *bool { return &s.Discussion.Gravatar }),
	intSetting("comment_edit_minutes", "minutes a commenter may edit or delete their own comment", 0, 1440, func(s *Settings) *int { return &s.Discussion.EditWindowMinutes }),
	intSetting("comment_min_seconds", "refuse a comment sent sooner than this many seconds after its form was shown (0: never)", 0, 3600, func(s *Settings) *int { return &s.Discussion.MinSubmitSeconds }),
	intSetting("trash_days", "days before trashed and spam comments are purged", 1, 3650, func(s *Settings) *int { return &s.Discussion.TrashRetentionDays }),
	intSetting("comment_ip_days", "days a comment's IP address is kept before it is erased (the privacy page says so)", 1, 3650, func(s *Settings) *int { return &s.Discussion.IPRetentionDays }),
}

func boolSetting(key, help string, field func(*Settings) *bool) Setting {
	return Setting{key, help, func(s *Settings) string {
		if *field(s) {
			return "on"
		}
		return "off"
	}, func(s *Settings, v string) error {
		switch strings.ToLower(v) {
		case "on", "true", "1", "yes":
			*field(s) = true
		case "off", "false", "0", "no":
			*field(s) = false
		default:
			return Errorf(EINVALID, "%s must be on or off", key)
		}
		return nil
	}}
}

func intSetting(key, help string, lo, hi int, field func(*Settings) *int) Setting {
	return Setting{key, help, func(s *Settings) string { return strconv.Itoa(*field(s)) }, func(s *Settings, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			return Errorf(EINVALID, "%s must be a whole number from %d to %d", key, lo, hi)
		}
		*field(s) = n
		return nil
	}}
}

func wordsSetting(key, help string, field func(*Settings) *[]string) Setting {
	return Setting{key, help, func(s *Settings) string { return strings.Join(*field(s), "\n") }, func(s *Settings, v string) error {
		var words []string
		for _, w := range strings.Split(v, "\n") {
			if w = strings.TrimSpace(w); w != "" {
				words = append(words, w)
			}
		}
		*field(s) = words
		return nil
	}}
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

// Location returns the site's time zone. A zone name that no longer loads (the system's zone database changed)
// falls back to UTC rather than failing every page.
func (s *Settings) Location() *time.Location {
	if loc, err := time.LoadLocation(s.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}
