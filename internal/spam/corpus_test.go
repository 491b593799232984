package spam

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"hash/crc32"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// corpusDir holds the YouTube Spam Collection; see its SOURCE.md.
const corpusDir = "../../../shared/testdata/spam/youtube-spam-collection"

// Videos of the corpus, by file. The model trains on the first three and is measured on the last two, so that no
// video's comments are on both sides: spammers and regulars of a video write alike, and a split of comments from the
// same videos would measure how well the model remembers them.
var (
	trainVideos = []string{"Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv"}
	testVideos  = []string{"Youtube04-Eminem.csv", "Youtube05-Shakira.csv"}
)

// example is one labelled comment of the corpus.
type example struct {
	id      string
	video   string
	comment Comment
	spam    bool
}

// loadVideos reads the named files of the corpus. A comment ID seen before is skipped: the corpus repeats three.
func loadVideos(t testing.TB, files []string) []example {
	t.Helper()
	var out []example
	seen := make(map[string]bool)
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("shared test data not found: %v (the corpus lives in shared/testdata/spam beside the repository)", err)
	}
	for _, name := range files {
		f, err := os.Open(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatalf("corpus: %v (the corpus lives in shared/testdata/spam beside the repository)", err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("corpus: %s: %v", name, err)
		}
		col := make(map[string]int)
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, h := range []string{"COMMENT_ID", "AUTHOR", "CONTENT", "CLASS"} {
			if _, ok := col[h]; !ok {
				t.Fatalf("corpus: %s has no %s column", name, h)
			}
		}
		for _, r := range rows[1:] {
			id := r[col["COMMENT_ID"]]
			if seen[id] {
				continue
			}
			seen[id] = true
			out = append(out, example{
				id:      id,
				video:   name,
				comment: Comment{Text: typed(r[col["CONTENT"]]), Name: r[col["AUTHOR"]]},
				spam:    r[col["CLASS"]] == "1",
			})
		}
	}
	return out
}

var tag = regexp.MustCompile(`<[^>]*>`)

// typed undoes what YouTube's API did to what the commenter typed: it removes the tags it added (line breaks, and
// links around timestamps, hashtags and URLs, keeping their text), decodes HTML entities and drops the U+FEFF that
// ends most comments. Only the 2015 files have tags, so leaving them in would teach the model which year a comment
// was collected in.
func typed(s string) string {
	s = tag.ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	return strings.ReplaceAll(s, "\uFEFF", "")
}

var update = flag.Bool("update", false, "rewrite starting.model from the training videos")

// trained returns a new model trained on ex.
func trained(ex []example) *Model {
	m := New()
	for _, e := range ex {
		m.Train(e.comment, e.spam)
	}
	return m
}

// TestStartingModel checks that the shipped model is exactly the one trained on the training videos, and so has
// never seen a comment of the test videos. With -update (go generate) it rewrites it.
func TestStartingModel(t *testing.T) {
	got, err := trained(loadVideos(t, trainVideos)).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("starting.model", got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote starting.model: %d bytes", len(got))
		return
	}
	if !bytes.Equal(got, starting) {
		t.Fatalf("starting.model (%d bytes) is not the model trained on %v (%d bytes): run go generate ./internal/spam",
			len(starting), trainVideos, len(got))
	}
}

// confusion counts verdicts on labelled comments against one threshold: a comment scoring at or over it is taken
// for spam.
type confusion struct{ tp, fp, tn, fn int }

func (c *confusion) add(score, threshold float64, spam bool) {
	switch flagged := score >= threshold; {
	case flagged && spam:
		c.tp++
	case flagged:
		c.fp++
	case spam:
		c.fn++
	default:
		c.tn++
	}
}

func (c confusion) precision() float64 { return ratio(c.tp, c.tp+c.fp) }
func (c confusion) recall() float64    { return ratio(c.tp, c.tp+c.fn) }
func (c confusion) fpr() float64       { return ratio(c.fp, c.fp+c.tn) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (c confusion) String() string {
	return fmt.Sprintf("precision %.1f%% (%d/%d), recall %.1f%% (%d/%d), false-positive rate %.2f%% (%d/%d)",
		100*c.precision(), c.tp, c.tp+c.fp, 100*c.recall(), c.tp, c.tp+c.fn, 100*c.fpr(), c.fp, c.fp+c.tn)
}

// measurement is how a model did on labelled comments at both thresholds.
type measurement struct{ spam, hold confusion }

func measure(m *Model, ex []example) measurement {
	var r measurement
	r.add(m, ex)
	return r
}

// add scores ex with m and counts the verdicts.
func (r *measurement) add(m *Model, ex []example) {
	for _, e := range ex {
		p := m.Score(e.comment).Spam
		r.spam.add(p, SpamAt, e.spam)
		r.hold.add(p, HoldAt, e.spam)
	}
}

func (r measurement) log(t *testing.T, what string) {
	t.Helper()
	t.Logf("%s, spam folder (score >= SpamAt %v): %v", what, SpamAt, r.spam)
	t.Logf("%s, held or spam (score >= HoldAt %v): %v", what, HoldAt, r.hold)
}

func sizes(ex []example) string {
	spam := 0
	for _, e := range ex {
		if e.spam {
			spam++
		}
	}
	return fmt.Sprintf("%d comments (%d spam, %d ham)", len(ex), spam, len(ex)-spam)
}

// Floors the measurement must keep. The false-positive ceiling is the product's aim; the recall floor sits a few
// points under the 92.8% measured on the test videos, so that the test fails on a real loss, not on one comment.
const (
	maxFPRAtSpam    = 0.01
	minRecallAtHold = 0.88
)

// TestCorpusMeasurement measures the classifier on the test videos after training on the training videos, at
// SpamAt and HoldAt, and logs how the thresholds were chosen. Run it with -v to see the numbers.
func TestCorpusMeasurement(t *testing.T) {
	train, test := loadVideos(t, trainVideos), loadVideos(t, testVideos)
	t.Logf("training part: %v, %s", trainVideos, sizes(train))
	t.Logf("testing part: %v, %s", testVideos, sizes(test))

	got := measure(trained(train), test)
	got.log(t, "test videos")
	if fpr := got.spam.fpr(); fpr > maxFPRAtSpam {
		t.Errorf("false-positive rate at SpamAt = %.2f%%; want at most %.0f%%", 100*fpr, 100*maxFPRAtSpam)
	}
	if r := got.hold.recall(); r < minRecallAtHold {
		t.Errorf("recall at HoldAt = %.1f%%; want at least %.0f%%", 100*r, 100*minRecallAtHold)
	}
	if shipped := measure(Starting(), test); shipped != got {
		t.Errorf("the Starting model measures %+v; a model trained here on the training videos measures %+v", shipped, got)
	}

	// How the thresholds were chosen, without the test videos: train on two training videos, score the third.
	var cv measurement
	for _, held := range trainVideos {
		var rest []string
		for _, v := range trainVideos {
			if v != held {
				rest = append(rest, v)
			}
		}
		cv.add(trained(loadVideos(t, rest)), loadVideos(t, []string{held}))
	}
	cv.log(t, "cross-validation on the training videos")
	if fpr := cv.spam.fpr(); fpr > maxFPRAtSpam {
		t.Errorf("cross-validated false-positive rate at SpamAt = %.2f%%; SpamAt was chosen to keep it under %.0f%%",
			100*fpr, 100*maxFPRAtSpam)
	}

	// For comparison only, nothing is asserted on it: a split of comments rather than of videos, which lets the
	// model see each video's regulars and spam campaigns on both sides.
	var hTrain, hTest []example
	for _, e := range loadVideos(t, append(slices.Clone(trainVideos), testVideos...)) {
		if crc32.ChecksumIEEE([]byte(e.id))%10 < 3 {
			hTest = append(hTest, e)
		} else {
			hTrain = append(hTrain, e)
		}
	}
	t.Logf("hash split (30%% of comments, by CRC-32 of their ID): training %s, testing %s", sizes(hTrain), sizes(hTest))
	measure(trained(hTrain), hTest).log(t, "hash split")
}
