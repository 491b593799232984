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
		purgeExpired(ctx, st, log)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// purgeExpired deletes trashed and spam comments older than the site's retention, and old failed sign-ins.
func purgeExpired(ctx context.Context, st *store.Store, log *slog.Logger) {
	settings, err := st.Settings(ctx)
	if err != nil {
		log.WarnContext(ctx, "maintenance: read settings", "err", err)
		return
	}
	if err := st.PurgeLoginFailures(ctx, time.Now().Add(-24*time.Hour)); err != nil {
		log.WarnContext(ctx, "maintenance: purge failed sign-ins", "err", err)
	}
	before := time.Now().Add(-time.Duration(settings.Discussion.TrashRetentionDays) * 24 * time.Hour)
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
