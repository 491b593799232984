package web

import (
	"fmt"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/store"
)

// TestCommentRatesReadOnce: overRate reads a network's comments once, as deep as the largest limit and as far back
// as the longest window. That read decides every limit only while the deepest limit is a network's over the longest
// window; a change to commentRates that breaks this must change overRate too.
func TestCommentRatesReadOnce(t *testing.T) {
	for _, l := range commentRates {
		if l.Max == rateDepth && l.Network && l.Window == rateHorizon {
			return
		}
	}
	t.Errorf("no limit of commentRates is a network's %d comments in %v", rateDepth, rateHorizon)
}

func TestApplyRates(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	const me, neighbour = "198.51.100.7", "198.51.100.8"
	limits := []rateLimit{
		{Max: 2, Window: time.Minute},
		{Max: 3, Window: time.Minute, Network: true},
		{Max: 4, Window: time.Hour, Network: true},
	}
	// sent lists comments newest first, each as "IP seconds-ago".
	sent := func(list ...string) []store.SentComment {
		var cs []store.SentComment
		for _, s := range list {
			var ip string
			var ago int
			if _, err := fmt.Sscanf(s, "%s %d", &ip, &ago); err != nil {
				t.Fatalf("%q: %v", s, err)
			}
			cs = append(cs, store.SentComment{IP: ip, At: now.Add(-time.Duration(ago) * time.Second)})
		}
		return cs
	}
	at := func(fromNow time.Duration) time.Time { return now.Add(fromNow) }
	for _, tt := range []struct {
		name  string
		sent  []store.SentComment
		over  bool
		retry time.Time
	}{
		{name: "nothing sent", sent: nil},
		{name: "one of mine", sent: sent(me + " 10")},
		{name: "two of mine in the minute", sent: sent(me+" 10", me+" 50"), over: true, retry: at(10 * time.Second)},
		{name: "the older one has left the minute", sent: sent(me+" 10", me+" 60")},
		{name: "two of my neighbour's", sent: sent(neighbour+" 10", neighbour+" 20")},
		{name: "the network's three in the minute", sent: sent(neighbour+" 10", me+" 20", neighbour+" 30"), over: true,
			retry: at(30 * time.Second)},
		{name: "my two and the network's three: the later wait wins", sent: sent(me+" 5", neighbour+" 10", me+" 40"), over: true,
			retry: at(20 * time.Second)},
		{name: "the network's four in the hour", sent: sent(neighbour+" 100", neighbour+" 200", me+" 300", neighbour+" 400"),
			over: true, retry: at(time.Hour - 400*time.Second)},
		{name: "three in the hour, older ones gone", sent: sent(neighbour+" 100", neighbour+" 200", me+" 3600", neighbour+" 4000")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			retry, over := applyRates(limits, tt.sent, me, now)
			if over != tt.over || !retry.Equal(tt.retry) {
				t.Errorf("applyRates = %v, %v; want %v, %v", retry, over, tt.retry, tt.over)
			}
		})
	}
}
