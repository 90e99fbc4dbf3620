package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/postcode"
)

// runAssetsImport imports ORUK/HSDS JSON, or HSDS CSV tables as a zip, into
// a site's directory: all or nothing, as the API does.
func runAssetsImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("assets import", stderr, getenv)
	site := fs.String("site", "", "the site whose directory to import into")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := required(fs, "site"); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("assets import: give one FILE (.json or .zip)")
	}
	file := fs.Arg(0)
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("assets import: %w", err)
	}
	db, err := openStore(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Site(ctx, *site)
	if err != nil {
		return fmt.Errorf("assets import: no site %q", *site)
	}
	var imp *assets.Import
	switch strings.ToLower(filepath.Ext(file)) {
	case ".zip":
		imp, err = assets.ParseZip(data, st.Settings.Categories)
	default:
		imp, err = assets.ParseJSON(data, st.Settings.Categories)
	}
	if err != nil {
		for _, f := range kith.FieldErrors(err) {
			fmt.Fprintf(stderr, "%s: %s\n", f.Field, f.Message)
		}
		return fmt.Errorf("assets import: nothing imported: %s", kith.ErrorMessage(err))
	}
	for _, w := range imp.Warnings {
		fmt.Fprintf(stderr, "warning: %s: %s\n", w.Field, w.Message)
	}
	created, updated, err := db.ImportServices(ctx, cliActor(*site), imp.Services)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d services: %d new, %d updated, %d warnings\n", len(imp.Services), created, updated, len(imp.Warnings))
	return nil
}

// runPostcodesLoad loads postcode centroids from an ONS Postcode Directory
// CSV (columns pcds, lat, long; others ignored).
func runPostcodesLoad(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("postcodes load", stderr, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("postcodes load: give one FILE.csv")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("postcodes load: %w", err)
	}
	defer f.Close()
	pcs, err := readPostcodes(f)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.LoadPostcodes(ctx, pcs); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded %d postcodes\n", len(pcs))
	return nil
}

// readPostcodes parses the ONSPD columns it needs. Rows without a
// location (the ONSPD marks them 99.999999) are skipped, not guessed.
func readPostcodes(r io.Reader) ([]app.Postcode, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("postcodes load: read header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, want := range []string{"pcds", "lat", "long"} {
		if _, ok := col[want]; !ok {
			return nil, fmt.Errorf("postcodes load: the CSV has no %q column (ONS Postcode Directory columns pcds, lat, long)", want)
		}
	}
	var out []app.Postcode
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("postcodes load: line %d: %w", line, err)
		}
		pc, ok := postcode.Normalize(rec[col["pcds"]])
		if !ok {
			return nil, fmt.Errorf("postcodes load: line %d: %q is not a UK postcode", line, rec[col["pcds"]])
		}
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(rec[col["lat"]]), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(rec[col["long"]]), 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("postcodes load: line %d: lat and long must be numbers", line)
		}
		if !assets.InUK(lat, lon) {
			continue
		}
		out = append(out, app.Postcode{Postcode: pc, Latitude: lat, Longitude: lon})
	}
	return out, nil
}
