package web

import (
	"context"
	"fmt"
	"math"
	"time"
)

// rateLimit is at most Max comments in any Window, from one address or from its whole network (an IPv4 /24 or an
// IPv6 /64). Counted from the comments table, so that the limits hold across server processes and restarts.
type rateLimit struct {
	Max     int
	Window  time.Duration
	Network bool
}

// commentRates are the limits on readers' comments. A network gets three times an address's share: a household
// or an office shares one. Signed-in writers are not limited.
var commentRates = []rateLimit{
	{Max: 5, Window: time.Minute},
	{Max: 30, Window: time.Hour},
	{Max: 15, Window: time.Minute, Network: true},
	{Max: 90, Window: time.Hour, Network: true},
}

// rateStore is what the rate limits read.
type rateStore interface {
	RecentCommentTimes(ctx context.Context, ip string, wholeNetwork bool, since time.Time, limit int) ([]time.Time, error)
}

// overRate reports whether one more comment from ip now would break a limit, and if so when it may be sent: when the
// oldest of the comments that fill the window has left it. The latest such time over all broken limits wins.
func overRate(ctx context.Context, st rateStore, ip string, now time.Time) (retry time.Time, over bool, err error) {
	if ip == "" {
		return time.Time{}, false, nil
	}
	for _, l := range commentRates {
		times, err := st.RecentCommentTimes(ctx, ip, l.Network, now.Add(-l.Window), l.Max)
		if err != nil {
			return time.Time{}, false, err
		}
		if len(times) < l.Max {
			continue
		}
		if at := times[l.Max-1].Add(l.Window); at.After(retry) {
			retry, over = at, true
		}
	}
	return retry, over, nil
}

// rateRefusal is the message above a form refused for the rate limits, and the Retry-After seconds.
func rateRefusal(now, retry time.Time) (string, int) {
	wait := max(int(math.Ceil(retry.Sub(now).Seconds())), 1)
	when := fmt.Sprintf("%d seconds", wait)
	switch {
	case wait == 1:
		when = "1 second"
	case wait >= 90:
		when = fmt.Sprintf("%d minutes", (wait+59)/60)
	}
	return "Too many comments have been sent from your network in a short time. Please try again in " + when +
		": nothing you typed has been lost.", wait
}
