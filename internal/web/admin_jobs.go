package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// JobQueue is the job queue as the admin area sees it: failed jobs, and retrying one.
type JobQueue interface {
	Failed(ctx context.Context, limit int) ([]blog.FailedJob, error)
	Retry(ctx context.Context, id int64) error
}

// jobsPage lists failed jobs: those waiting for their next attempt and, after the last one, the discarded.
type jobsPage struct {
	adminPage
	QueueOff bool
	MailOff  bool
	Jobs     []jobView
}

type jobView struct {
	blog.FailedJob
	Discarded bool
	LastError string
	NextLabel string
}

func (s *Server) jobList(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	base, err := s.adminBase(r, a, "Failed jobs")
	if err != nil {
		return err
	}
	page := &jobsPage{adminPage: base, QueueOff: s.jobs == nil, MailOff: !s.mailOn()}
	if s.jobs != nil {
		failed, err := s.jobs.Failed(r.Context(), 200)
		if err != nil {
			return err
		}
		for _, j := range failed {
			v := jobView{FailedJob: j, Discarded: j.State == "discarded"}
			if n := len(j.Errors); n > 0 {
				v.LastError = j.Errors[n-1]
			}
			if !j.Next.IsZero() {
				v.NextLabel = j.Next.In(a.loc).Format(time.DateTime)
			}
			page.Jobs = append(page.Jobs, v)
		}
	}
	return s.views.render(w, http.StatusOK, "admin/jobs", page)
}

func (s *Server) retryJob(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || s.jobs == nil {
		return blog.Errorf(blog.ENOTFOUND, "there is no job %q", r.PathValue("id"))
	}
	if err := s.jobs.Retry(r.Context(), id); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "job retried", "user", a.user.ID, "job", id)
	http.Redirect(w, r, s.withNotice("/admin/jobs/", "Job "+strconv.FormatInt(id, 10)+" will run again now."), http.StatusSeeOther)
	return nil
}
