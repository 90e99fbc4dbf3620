package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith/app"
)

// LocatePostcode returns a postcode's centroid (pc already normalised).
func (db *DB) LocatePostcode(ctx context.Context, pc string) (lat, lon float64, ok bool, err error) {
	err = db.pool.QueryRow(ctx, `SELECT latitude, longitude FROM postcodes WHERE postcode = $1`, pc).Scan(&lat, &lon)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, fmt.Errorf("locate postcode: %w", err)
	}
	return lat, lon, true, nil
}

// LoadPostcodes inserts or replaces postcode centroids in one transaction.
func (db *DB) LoadPostcodes(ctx context.Context, pcs []app.Postcode) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, p := range pcs {
			b.Queue(`INSERT INTO postcodes (postcode, latitude, longitude) VALUES ($1, $2, $3)
				ON CONFLICT (postcode) DO UPDATE SET latitude = excluded.latitude, longitude = excluded.longitude`,
				p.Postcode, p.Latitude, p.Longitude)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("load postcodes: %w", err)
		}
		return nil
	})
}
