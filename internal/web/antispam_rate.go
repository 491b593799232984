package web

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/salon-blog/salon/internal/store"
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
	RecentNetworkComments(ctx context.Context, ip string, since time.Time, limit int) ([]store.SentComment, error)
}

// rateHorizon and rateDepth are how far back, and how many of a network's comments, overRate reads: the longest
// window and the largest Max. That is enough for every limit as long as the deepest limit is a network's over the
// longest window (TestCommentRatesReadOnce): when a network's comments fill the read, that limit is broken, and it
// gives a later time to wait than any limit whose comments the read cut off.
var rateHorizon, rateDepth = func() (time.Duration, int) {
	var horizon time.Duration
	var depth int
	for _, l := range commentRates {
		horizon, depth = max(horizon, l.Window), max(depth, l.Max)
	}
	return horizon, depth
}()

// overRate reports whether one more comment from ip now would break a limit, and if so when it may be sent: when the
// oldest of the comments that fill the window has left it. The latest such time over all broken limits wins.
func overRate(ctx context.Context, st rateStore, ip string, now time.Time) (retry time.Time, over bool, err error) {
	if ip == "" {
		return time.Time{}, false, nil
	}
	sent, err := st.RecentNetworkComments(ctx, ip, now.Add(-rateHorizon), rateDepth)
	if err != nil {
		return time.Time{}, false, err
	}
	retry, over = applyRates(commentRates, sent, ip, now)
	return retry, over, nil
}

// applyRates is overRate's rule on the comments sent from ip's network, newest first.
func applyRates(limits []rateLimit, sent []store.SentComment, ip string, now time.Time) (retry time.Time, over bool) {
	for _, l := range limits {
		since, n := now.Add(-l.Window), 0
		for _, c := range sent {
			if !c.At.After(since) {
				break
			}
			if !l.Network && c.IP != ip {
				continue
			}
			if n++; n == l.Max {
				if at := c.At.Add(l.Window); at.After(retry) {
					retry, over = at, true
				}
				break
			}
		}
	}
	return retry, over
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
