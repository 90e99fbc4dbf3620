package sqlite

import (
	"context"
	"fmt"
)

// CountServicesInCategory returns how many of the site's live services are
// in a category, so a lead cannot remove a site category still in use.
func (db *DB) CountServicesInCategory(ctx context.Context, site, category string) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM services
		WHERE site_id = ? AND category = ? AND deleted_at IS NULL`, site, category).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count services in category: %w", err)
	}
	return n, nil
}
