package web

import (
	"net/http"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/labstack/echo/v4"
)

// reviewView is what a screening's page says about a mark to check.
type reviewView struct {
	app.ScreeningReview
	Questions []string
	CanCheck  bool
	Errors    []kith.FieldError
}

func newReviewView(r app.ScreeningReview, role kith.Role) *reviewView {
	v := &reviewView{ScreeningReview: r, CanCheck: app.Authorize(kith.Actor{Kind: "user", Role: role}, app.Navigate) == nil}
	for _, f := range r.Fields {
		v.Questions = append(v.Questions, app.ReviewQuestion(f))
	}
	return v
}

// screeningsToCheckPage lists the screenings marked to check, for a
// navigator to go through with each visitor.
func (s *Server) screeningsToCheckPage(c echo.Context) error {
	list, err := s.app.ScreeningReviews(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	var views []*reviewView
	for _, r := range list {
		views = append(views, newReviewView(r, actor(c).Role))
	}
	return s.render(c, http.StatusOK, "screenings_to_check", pageData{Title: "Screenings to check", Data: views})
}

// checkScreeningReview records what the navigator found, then shows the
// screening again.
func (s *Server) checkScreeningReview(c echo.Context) error {
	id := c.Param("id")
	if len(id) > 64 {
		return kith.Errorf(kith.ENOTFOUND, "Screening not found.")
	}
	err := s.app.CheckScreeningReview(c.Request().Context(), actor(c), id, c.FormValue("outcome"))
	if fe := kith.FieldErrors(err); len(fe) > 0 {
		return s.renderScreeningResult(c, http.StatusUnprocessableEntity, id, fe)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/screenings/"+id+"#review")
}
