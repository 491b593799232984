package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/salon-blog/salon/internal/blog"
)

func settings(ctx context.Context, env Env, args []string) (err error) {
	if len(args) > 0 && args[0] == "set" {
		return settingsSet(ctx, env, args[1:])
	}
	fs := flagSet(env, "settings", "settings [--json] | settings set KEY VALUE")
	db := databaseFlags(fs, env)
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	s, err := st.Settings(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		out := map[string]string{}
		for _, k := range blog.SettingKeys {
			out[k.Key] = k.Get(&s)
		}
		return writeJSON(env, out)
	}
	rows := make([][]string, 0, len(blog.SettingKeys))
	for _, k := range blog.SettingKeys {
		rows = append(rows, []string{k.Key, k.Get(&s), k.Help})
	}
	table(env.Stdout, []string{"KEY", "VALUE", "MEANING"}, rows)
	return nil
}

func settingsSet(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "settings set", "settings set [--data DIR] [--db URL] KEY VALUE")
	db := databaseFlags(fs, env)
	if err := parse(fs, args, 2); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fmt.Fprintln(env.Stderr, "salon settings set: give a key and a value, as in: salon settings set title \"My blog\"")
		return errUsage
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	if err := st.SetSetting(ctx, fs.Arg(0), fs.Arg(1)); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s is now %q.\n", fs.Arg(0), fs.Arg(1))
	return nil
}
