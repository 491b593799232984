package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/media"
)

func photo(name string, uploader int64) media.Item {
	return media.Item{Path: "2024/05/" + name + ".jpg", Name: name + ".JPG", Type: media.JPEG, Size: 1000, Width: 800, Height: 600,
		Alt: "Alt of " + name, Uploader: uploader, Variants: []media.Variant{
			{Path: "2024/05/" + name + "-300w.jpg", Width: 300, Height: 225, Size: 100},
			{Path: "2024/05/" + name + "-768w.jpg", Width: 768, Height: 576, Size: 500},
		}}
}

func TestCreateMedia(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		s.Now = func() time.Time { return t0 }
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		it := photo("harbour", ann.ID)
		if err := s.CreateMedia(ctx, &it); err != nil {
			t.Fatalf("CreateMedia: %v", err)
		}
		if it.ID == 0 || !it.Uploaded.Equal(t0) {
			t.Errorf("ID %d, Uploaded %v", it.ID, it.Uploaded)
		}
		got, err := s.Media(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(it, got); diff != "" {
			t.Errorf("Media (-want +got):\n%s", diff)
		}
		pdf := media.Item{Path: "2024/05/report.pdf", Name: "Report.pdf", Type: media.PDF, Size: 5000}
		if err := s.CreateMedia(ctx, &pdf); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Media(ctx, pdf.ID); err != nil || got.Uploader != 0 || len(got.Variants) != 0 {
			t.Errorf("Media(pdf) = %+v, %v", got, err)
		}

		again := photo("harbour", ann.ID)
		if err := s.CreateMedia(ctx, &again); blog.ErrorCode(err) != blog.ECONFLICT {
			t.Errorf("CreateMedia with a path taken = %v; want a conflict", err)
		}
		clash := photo("other", ann.ID)
		clash.Variants[1].Path = "2024/05/harbour-768w.jpg"
		if err := s.CreateMedia(ctx, &clash); blog.ErrorCode(err) != blog.ECONFLICT {
			t.Errorf("CreateMedia with a variant path taken = %v; want a conflict", err)
		}
		if _, total, err := s.MediaList(ctx, media.Filter{}); err != nil || total != 2 {
			t.Errorf("after two conflicts the library has %d files (%v); want 2, nothing half-stored", total, err)
		}
		if _, err := s.Media(ctx, 999); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("Media(999) = %v; want not found", err)
		}
	})
}

func TestMediaList(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		now := t0
		s.Now = func() time.Time { return now }
		for i := range 7 {
			it := photo(fmt.Sprintf("photo-%d", i), 0)
			if i == 3 {
				it.Caption = "Sunset over 100% of the bay_"
			}
			if err := s.CreateMedia(ctx, &it); err != nil {
				t.Fatal(err)
			}
			now = now.Add(time.Minute)
		}
		page, total, err := s.MediaList(ctx, media.Filter{Limit: 3, Offset: 3})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, it := range page {
			names = append(names, it.Name)
			if len(it.Variants) != 2 || it.Variants[0].Width != 300 {
				t.Errorf("%s variants %+v", it.Name, it.Variants)
			}
		}
		if diff := cmp.Diff([]string{"photo-3.JPG", "photo-2.JPG", "photo-1.JPG"}, names); total != 7 || diff != "" {
			t.Errorf("second page of 3: total %d, (-want +got):\n%s", total, diff)
		}
		for search, want := range map[string]int{"PHOTO-5": 1, "alt of": 7, "100%": 1, "bay_": 1, "_": 1, "%": 1, "2024/05": 7, "nothing": 0} {
			got, total, err := s.MediaList(ctx, media.Filter{Search: search})
			if err != nil || total != want || len(got) != want {
				t.Errorf("MediaList(%q) = %d of %d, %v; want %d", search, len(got), total, err, want)
			}
		}
	})
}

func TestUpdateAndDeleteMedia(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		it := photo("harbour", ann.ID)
		if err := s.CreateMedia(ctx, &it); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateMedia(ctx, it.ID, "Boats at dawn", "The harbour, 6 am"); err != nil {
			t.Fatal(err)
		}
		got, err := s.Media(ctx, it.ID)
		if err != nil || got.Alt != "Boats at dawn" || got.Caption != "The harbour, 6 am" {
			t.Errorf("after UpdateMedia: %+v, %v", got, err)
		}
		if err := s.UpdateMedia(ctx, 999, "", ""); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("UpdateMedia(999) = %v", err)
		}
		deleted, err := s.DeleteMedia(ctx, it.ID)
		if err != nil || deleted.Path != it.Path || len(deleted.Variants) != 2 {
			t.Fatalf("DeleteMedia = %+v, %v", deleted, err)
		}
		if _, err := s.Media(ctx, it.ID); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("after delete Media = %v", err)
		}
		if _, err := s.DeleteMedia(ctx, it.ID); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("second DeleteMedia = %v", err)
		}
		// The variants' paths are free again.
		again := photo("harbour", ann.ID)
		if err := s.CreateMedia(ctx, &again); err != nil {
			t.Errorf("CreateMedia after delete: %v", err)
		}
	})
}

// A deleted uploader leaves their files in the library, uploaded by nobody.
func TestMediaOutlivesUploader(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		bob := createUser(t, s, "Bob", blog.RoleAuthor)
		it := photo("harbour", bob.ID)
		if err := s.CreateMedia(ctx, &it); err != nil {
			t.Fatal(err)
		}
		if _, err := rawExec(t, s, `DELETE FROM users WHERE id = $1`, bob.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Media(ctx, it.ID); err != nil || got.Uploader != 0 {
			t.Errorf("Media = %+v, %v; want uploader 0", got, err)
		}
	})
}
