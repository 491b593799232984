package cli_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// helpPage is a command's help read back: its usage line, the flags it describes, and the subcommands it lists.
type helpPage struct {
	usage    string            // the usage line, without "Usage: "
	flags    map[string]string // flag name → description
	commands []string          // subcommand names, each listed on a line of its own with what it does
}

// readHelp reads the help a command printed, in the shape flag.PrintDefaults and the command groups write it.
func readHelp(t *testing.T, out string) helpPage {
	t.Helper()
	lines := strings.Split(out, "\n")
	page := helpPage{usage: strings.TrimPrefix(lines[0], "Usage: "), flags: map[string]string{}}
	if page.usage == lines[0] {
		t.Errorf("help does not start with its usage line:\n%s", out)
	}
	section, flagName := "", ""
	for _, line := range lines[1:] {
		switch {
		case line == "Flags:" || line == "Commands:":
			section = line
		case line == "":
			section = ""
		case section == "Flags:" && strings.HasPrefix(line, "  -"):
			flagName, _, _ = strings.Cut(strings.TrimPrefix(line, "  -"), " ")
			page.flags[flagName] = ""
		case section == "Flags:" && strings.HasPrefix(line, "    \t"):
			page.flags[flagName] += strings.TrimSpace(line)
		case section == "Commands:" && strings.HasPrefix(line, "  "):
			fields := strings.Fields(line)
			if len(fields) < 2 {
				t.Errorf("help lists the subcommand %q without saying what it does:\n%s", line, out)
			}
			page.commands = append(page.commands, fields[0])
		}
	}
	return page
}

// topCommands are the commands `salon help` lists.
func topCommands(t *testing.T) []string {
	t.Helper()
	r := run(t, "", nil, "help")
	_, list, _ := strings.Cut(r.stdout, "Commands:\n")
	list, _, _ = strings.Cut(list, "\n\n")
	var names []string
	for line := range strings.Lines(list) {
		names = append(names, strings.Fields(line)[0])
	}
	return names
}

var (
	flagInUsage = regexp.MustCompile(`--([a-z][a-z-]*)`)
	// typeAsValue is a flag whose value the usage line names by its Go type, for want of a back-quoted name.
	typeAsValue = regexp.MustCompile(`--[a-z-]+ (string|value|int|int64|uint|float64|duration)\b`)
)

// TestHelpOfEveryCommand walks every command and subcommand through the help: -h and --help print the usage on
// standard output and exit 0, `salon help PATH` prints the same, a group lists its subcommands, and a usage line
// names exactly the flags the command accepts.
func TestHelpOfEveryCommand(t *testing.T) {
	var visited []string
	var walk func(path []string)
	walk = func(path []string) {
		name := strings.Join(path, " ")
		visited = append(visited, name)
		dashH := run(t, "", nil, append(slices.Clone(path), "-h")...)
		if dashH.code != 0 || dashH.stderr != "" || !strings.HasPrefix(dashH.stdout, "Usage: salon "+name+" ") {
			t.Errorf("salon %s -h = exit %d, stdout %q, stderr %q; want exit 0 and its usage on stdout", name, dashH.code, dashH.stdout, dashH.stderr)
			return
		}
		for _, asked := range [][]string{append(slices.Clone(path), "--help"), append([]string{"help"}, path...)} {
			r := run(t, "", nil, asked...)
			if r.code != dashH.code || r.stdout != dashH.stdout || r.stderr != dashH.stderr {
				t.Errorf("salon %s = exit %d, stdout %q, stderr %q; want what salon %s -h prints", strings.Join(asked, " "), r.code, r.stdout, r.stderr, name)
			}
		}
		page := readHelp(t, dashH.stdout)
		for _, sub := range page.commands {
			walk(append(slices.Clone(path), sub))
		}
		if len(page.flags) == 0 { // a group: its subcommands are its help
			if len(page.commands) == 0 {
				t.Errorf("salon %s -h lists neither flags nor subcommands:\n%s", name, dashH.stdout)
			}
			return
		}
		inUsage := map[string]bool{}
		for _, m := range flagInUsage.FindAllStringSubmatch(page.usage, -1) {
			inUsage[m[1]] = true
		}
		for flagName := range page.flags {
			if !inUsage[flagName] {
				t.Errorf("salon %s: the usage line %q leaves out --%s", name, page.usage, flagName)
			}
		}
		for flagName := range inUsage {
			if _, ok := page.flags[flagName]; !ok {
				t.Errorf("salon %s: the usage line %q names --%s, which is not one of its flags", name, page.usage, flagName)
			}
		}
		if m := typeAsValue.FindString(page.usage); m != "" {
			t.Errorf("salon %s: the usage line names a value by its type, %q", name, m)
		}
	}
	for _, c := range topCommands(t) {
		walk([]string{c})
	}
	for _, want := range []string{"serve", "post add", "post edit", "settings set", "comment restore", "import disqus", "export wordpress", "privacy erase", "user reset-link"} {
		if !slices.Contains(visited, want) {
			t.Errorf("the help never leads to salon %s; it led to %q", want, visited)
		}
	}
}

// Each command group's -h (and `salon help GROUP`) lists its subcommands, one line each.
func TestGroupHelpListsSubcommands(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"post", "-h"}, []string{"add", "edit", "list"}},
		{[]string{"post", "--help"}, []string{"add", "edit", "list"}},
		{[]string{"help", "post"}, []string{"add", "edit", "list"}},
		{[]string{"user", "-h"}, []string{"add", "list", "reset-link"}},
		{[]string{"comment", "-h"}, []string{"approve", "list", "restore", "spam", "trash", "unapprove"}},
		{[]string{"token", "-h"}, []string{"create", "list", "revoke"}},
		{[]string{"import", "-h"}, []string{"disqus", "wordpress"}},
		{[]string{"export", "-h"}, []string{"wordpress"}},
		{[]string{"block", "-h"}, []string{"add", "list", "remove"}},
		{[]string{"privacy", "-h"}, []string{"erase", "export"}},
		{[]string{"settings", "-h"}, []string{"set"}},
	} {
		r := run(t, "", nil, tt.args...)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("salon %s = exit %d, stderr %q; want exit 0 and the help on stdout", strings.Join(tt.args, " "), r.code, r.stderr)
			continue
		}
		if diff := cmp.Diff(tt.want, readHelp(t, r.stdout).commands); diff != "" {
			t.Errorf("salon %s lists the subcommands (-want +got):\n%s", strings.Join(tt.args, " "), diff)
		}
	}
}

// Help asked for in the wrong place is still a mistake, and a group without a subcommand shows its list on stderr.
func TestHelpMistakes(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"help", "frobnicate"}, `salon help: "frobnicate" is not a command`},
		{[]string{"help", "post", "publish"}, `salon help: "publish" is not a subcommand of salon post; use add or edit or list`},
		{[]string{"help", "serve", "now"}, "salon help: salon serve has no subcommands"},
		{[]string{"post"}, "Usage: salon post add|edit|list\n\nCommands:\n  add "},
		{[]string{"post", "publish"}, `salon post: "publish" is not a subcommand; use add or edit or list`},
	} {
		r := run(t, "", nil, tt.args...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("salon %s = exit %d, stdout %q, stderr %q; want exit 2 and %q", strings.Join(tt.args, " "), r.code, r.stdout, r.stderr, tt.want)
		}
	}
}

// -h or --help anywhere on a command line shows the help, whatever else the line holds, and changes nothing.
func TestHelpAnywhere(t *testing.T) {
	data, dir := newSite(t)
	body := writeFile(t, dir, "post.md", []byte("Body"))
	if r := run(t, "", nil, "post", "add", data, "--title", "Kept", "--file", body); r.code != 0 {
		t.Fatal(r)
	}
	before := run(t, "", nil, "post", "list", data, "--json").stdout + run(t, "", nil, "settings", data, "--json").stdout
	for _, tt := range []struct {
		args  []string
		usage string
	}{
		{[]string{"post", "edit", "-h"}, "post edit"},
		{[]string{"post", "edit", "--help"}, "post edit"},
		{[]string{"post", "edit", "-h", "1"}, "post edit"},
		{[]string{"post", "edit", "--title", "T", "-h"}, "post edit"},
		{[]string{"post", "edit", data, "1", "--title", "T", "-h"}, "post edit"},
		{[]string{"post", "edit", "1", "-h"}, "post edit"},
		{[]string{"post", "edit", "1", data, "--title", "T", "--help"}, "post edit"},
		{[]string{"post", "edit", "1", "stray", "-h"}, "post edit"},
		{[]string{"post", "edit", "x", "-h"}, "post edit"},
		{[]string{"post", "add", data, "--title", "T", "--file", body, "-h"}, "post add"},
		{[]string{"token", "revoke", "-h"}, "token revoke"},
		{[]string{"token", "revoke", "1", "-h"}, "token revoke"},
		{[]string{"block", "remove", "--help"}, "block remove"},
		{[]string{"import", "wordpress", "-h"}, "import wordpress"},
		{[]string{"import", "wordpress", body, "-h"}, "import wordpress"},
		{[]string{"import", "disqus", data, body, "--help"}, "import disqus"},
		{[]string{"settings", "set", "-h"}, "settings set"},
		{[]string{"settings", "set", data, "title", "-h"}, "settings set"},
		{[]string{"settings", "set", data, "title", "--help"}, "settings set"},
		{[]string{"user", "reset-link", data, "ann@example.com", "-h"}, "user reset-link"},
		{[]string{"comment", "approve", "1", "-h"}, "comment approve"},
		{[]string{"export", "wordpress", data, "--help"}, "export wordpress"},
	} {
		r := run(t, "", nil, tt.args...)
		if r.code != 0 || r.stderr != "" || !strings.HasPrefix(r.stdout, "Usage: salon "+tt.usage+" ") {
			t.Errorf("salon %s = exit %d, stdout %q, stderr %q; want exit 0 and the usage of salon %s", strings.Join(tt.args, " "), r.code, r.stdout, r.stderr, tt.usage)
		}
	}
	after := run(t, "", nil, "post", "list", data, "--json").stdout + run(t, "", nil, "settings", data, "--json").stdout
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("asking for help changed the site (-before +after):\n%s", diff)
	}
	// After "--", -h is a value like any other.
	if r := run(t, "", nil, "settings", "set", data, "--", "tagline", "-h"); r.code != 0 || r.stdout != "tagline is now \"-h\".\n" {
		t.Errorf("settings set -- tagline -h = %+v; want the tagline set to -h", r)
	}
}

// post edit changes only the flags given, so its help must not promise add's defaults.
func TestPostHelpDefaults(t *testing.T) {
	for _, tt := range []struct {
		verb string
		want []string // the flags, other than --data and --db, whose description names a default
	}{
		{"add", []string{"author", "comments", "date", "slug", "status", "type"}},
		{"edit", nil},
	} {
		r := run(t, "", nil, "post", tt.verb, "-h")
		page := readHelp(t, r.stdout)
		var got []string
		for name, description := range page.flags {
			if name != "data" && name != "db" && strings.Contains(description, "default") {
				got = append(got, name)
			}
		}
		slices.Sort(got)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("post %s -h names defaults for (-want +got):\n%s\n%s", tt.verb, diff, r.stdout)
		}
	}
}
