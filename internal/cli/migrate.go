package cli

import (
	"context"
	"errors"
	"fmt"
)

func migrate(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "migrate", usage{})
	db := databaseFlags(fs, env)
	if err := parse(env, fs, args, 0); err != nil {
		return err
	}
	st, err := db.connect(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(env.Stdout, "The database is up to date.")
		return nil
	}
	for _, v := range applied {
		fmt.Fprintf(env.Stdout, "Applied migration %05d.\n", v)
	}
	return nil
}
