package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// copySite moves a whole site between databases: from SQLite to PostgreSQL when a site outgrows one machine, or
// back. The target is migrated first; the source is only read.
func copySite(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "copy", usage{required: []string{"from", "to"}})
	from := fs.String("from", "", "the database to copy from (`DB`): a SQLite file or a postgres:// URL")
	to := fs.String("to", "", "the database to copy into (`DB`): a SQLite file or a postgres:// URL")
	replace := fs.Bool("replace", false, "delete what the target holds first (without it, a non-empty target is refused)")
	if err := parse(env, fs, args, 0); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return blog.Errorf(blog.EINVALID, "give both --from and --to, such as --from salon-data/salon.db --to postgres://salon@localhost/salon")
	}
	if *from == *to {
		return blog.Errorf(blog.EINVALID, "--from and --to name the same database")
	}
	src, err := store.Open(ctx, *from)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, src.Close()) }()
	if pending, err := src.HasPendingMigrations(ctx); err != nil {
		return err
	} else if pending {
		return blog.Errorf(blog.EINVALID, "the source database is not up to date: run `salon migrate --db %s` first", *from)
	}
	dst, err := store.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, dst.Close()) }()
	if _, err := dst.Migrate(ctx); err != nil {
		return err
	}
	counts, err := store.Copy(ctx, src, dst, *replace)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Copied %s from %s to %s; the row counts match.\n", counts, src.Engine(), dst.Engine())
	return nil
}
