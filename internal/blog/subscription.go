package blog

import "time"

// SubscriptionMode is what a reader subscribed to a post's discussion hears about.
type SubscriptionMode string

// Subscription modes, as the comment form offers them.
const (
	NotifyReplies SubscriptionMode = "replies" // answers to the reader's own comments
	NotifyAll     SubscriptionMode = "all"     // every approved comment on the post
)

// ParseSubscriptionMode validates a mode sent by a form; empty means replies.
func ParseSubscriptionMode(s string) (SubscriptionMode, error) {
	switch SubscriptionMode(s) {
	case "", NotifyReplies:
		return NotifyReplies, nil
	case NotifyAll:
		return NotifyAll, nil
	}
	return "", Errorf(EINVALID, "choose to hear about replies to you or about all comments")
}

// Subscription is a reader's request to hear by email about a post's discussion. It is Active only after the reader
// confirmed the address by the link sent to it (double opt-in).
type Subscription struct {
	ID        int64
	PostID    int64
	PostTitle string // filled by listings
	Email     string
	Mode      SubscriptionMode
	Active    bool
	Created   time.Time
}

// FailedJob is a background job that failed at least once: retrying (with its next attempt's time) or discarded
// after its last attempt, with the error of every attempt.
type FailedJob struct {
	ID          int64
	Kind        string
	State       string // "retryable" or "discarded"
	Attempt     int
	MaxAttempts int
	Created     time.Time
	Next        time.Time // when a retryable job runs again
	Errors      []string  // oldest first
}

// Notifications are the email settings (mail itself is configured by the operator, with flags).
type Notifications struct {
	Moderators    bool // editors and administrators hear of comments on everyone's posts, not only the post's author
	DigestMinutes int  // at most one email per thread and subscriber in this many minutes; what comes meanwhile waits for the next
}

var notifySettings = []Setting{
	boolSetting("notify_moderators", "on: email editors and administrators about new and held comments on every post; off: only the post's author", func(s *Settings) *bool { return &s.Notify.Moderators }),
	intSetting("notify_digest_minutes", "send a subscriber at most one email per thread in this many minutes, gathering what came meanwhile", 0, 1440, func(s *Settings) *int { return &s.Notify.DigestMinutes }),
}
