package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// maintenanceEvery is how often serve purges expired trash and spam. The purge is idempotent and keyed on stored
// times, so a restart loses nothing: the next run catches up.
const maintenanceEvery = time.Hour

// maintain runs the periodic clean-up until ctx ends.
func maintain(ctx context.Context, st *store.Store, log *slog.Logger) {
	tick := time.NewTicker(maintenanceEvery)
	defer tick.Stop()
	for {
		purgeExpired(ctx, st, time.Now(), log)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// purgeExpired deletes trashed and spam comments older than the site's retention and old failed sign-ins, and
// erases the IP addresses of comments older than the site's comment_ip_days, as the privacy page promises.
func purgeExpired(ctx context.Context, st *store.Store, now time.Time, log *slog.Logger) {
	settings, err := st.Settings(ctx)
	if err != nil {
		log.WarnContext(ctx, "maintenance: read settings", "err", err)
		return
	}
	if err := st.PurgeLoginFailures(ctx, now.Add(-24*time.Hour)); err != nil {
		log.WarnContext(ctx, "maintenance: purge failed sign-ins", "err", err)
	}
	if n, err := st.EraseCommentAddresses(ctx, now.Add(-time.Duration(settings.Discussion.IPRetentionDays)*24*time.Hour)); err != nil {
		log.WarnContext(ctx, "maintenance: erase old comment addresses", "err", err)
	} else if n > 0 {
		log.InfoContext(ctx, "maintenance: erased old comment addresses", "count", n)
	}
	before := now.Add(-time.Duration(settings.Discussion.TrashRetentionDays) * 24 * time.Hour)
	for _, status := range []blog.CommentStatus{blog.CommentTrash, blog.CommentSpam} {
		n, err := st.PurgeComments(ctx, status, before)
		if err != nil {
			log.WarnContext(ctx, "maintenance: purge comments", "status", status, "err", err)
			continue
		}
		if n > 0 {
			log.InfoContext(ctx, "maintenance: purged old comments", "status", status, "count", n)
		}
	}
}
