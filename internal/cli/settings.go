package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/salon-blog/salon/internal/blog"
)

// settingsCommands are the subcommands of salon settings, which without one shows every setting.
func settingsCommands() []command {
	return []command{{name: "set", summary: "change one setting: settings set KEY VALUE", run: settingsSet}}
}

func settings(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "settings", usage{about: "Shows every setting, with what it means.", commands: settingsCommands()})
	db := databaseFlags(fs, env)
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parse(env, fs, args, 0); err != nil {
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
	fs := flagSet(env, "settings set", usage{trail: "KEY VALUE", about: "Run `salon settings` for the keys and what they mean."})
	db := databaseFlags(fs, env)
	if err := parse(env, fs, args, 2); err != nil {
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
