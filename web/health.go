package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

type healthBody struct {
	Status string `json:"status"`
}

// healthz answers 200 once start-up (migrations and any demo seeding) is done.
func (s *Server) healthz(c echo.Context) error {
	if !s.ready.Load() {
		return c.JSON(http.StatusServiceUnavailable, healthBody{Status: "starting"})
	}
	return c.JSON(http.StatusOK, healthBody{Status: "ok"})
}

// readyz answers 200 when the database answers and every migration is applied.
func (s *Server) readyz(c echo.Context) error {
	ctx := c.Request().Context()
	if err := s.app.Ping(ctx); err != nil {
		s.log.Warn("readyz: database unreachable", "error", err.Error())
		return c.JSON(http.StatusServiceUnavailable, healthBody{Status: "database unreachable"})
	}
	ok, err := s.app.MigrationsApplied(ctx)
	if err != nil || !ok {
		return c.JSON(http.StatusServiceUnavailable, healthBody{Status: "migrations pending"})
	}
	return c.JSON(http.StatusOK, healthBody{Status: "ready"})
}
