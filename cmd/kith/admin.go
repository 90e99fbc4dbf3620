package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/password"
	"github.com/kith-project/kith/postgres"
	"github.com/kith-project/kith/sqlite"
	"golang.org/x/term"
)

// cliActor is who the audit trail names for a command-line change.
func cliActor(site string) kith.Actor {
	user := os.Getenv("USER")
	if user == "" {
		user = "unknown"
	}
	return kith.Actor{Site: site, Kind: "cli", ID: user}
}

func newFlags(name string, stderr io.Writer, getenv func(string) string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(getenv, "KITH_DB", "./kith.db"), "SQLite database file, or a postgres:// URL (env KITH_DB)")
	return fs, db
}

func required(fs *flag.FlagSet, names ...string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var missing []string
	for _, n := range names {
		if !set[n] || fs.Lookup(n).Value.String() == "" {
			missing = append(missing, "--"+n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: missing %s", fs.Name(), strings.Join(missing, ", "))
	}
	return nil
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("migrate", stderr, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openStore(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}

// runReportsRebuild counts every report aggregate again from the rows, in
// one transaction, holding the write lock throughout (run it while the
// service is stopped or quiet: its writes fail after the busy timeout).
func runReportsRebuild(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("reports rebuild", stderr, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if postgres.IsURL(*dbPath) {
		return errors.New("reports rebuild: on PostgreSQL the report counts are recounted with every change, in its transaction; there is nothing to rebuild")
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	began := time.Now()
	if err := db.RebuildReports(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report aggregates rebuilt in %.1f s\n", time.Since(began).Seconds())
	return nil
}

func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("backup", stderr, getenv)
	out := fs.String("out", "", "file to write the copy to (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if postgres.IsURL(*dbPath) {
		return errors.New("backup: kith backup copies a SQLite file; back PostgreSQL up with its own tools: continuous archiving for point-in-time recovery (your managed service's backups), and pg_dump --format=custom for a copy (docs/reliability.md)")
	}
	if err := required(fs, "out"); err != nil {
		return err
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("backup: %s already exists", *out)
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "backup written to", *out)
	return nil
}

var siteIDPattern = func(s string) bool {
	if len(s) < 2 || len(s) > 40 {
		return false
	}
	for i, r := range s {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || (r == '-' && i > 0 && i < len(s)-1)
		if !ok {
			return false
		}
	}
	return true
}

func runSiteCreate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("site create", stderr, getenv)
	id := fs.String("id", "", "site id: lower-case letters, digits and hyphens, 2 to 40 characters")
	name := fs.String("name", "", "the site's name, as people know it")
	phone := fs.String("safeguarding-phone", "", "the adult safeguarding team's phone number")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := required(fs, "id", "name"); err != nil {
		return err
	}
	if !siteIDPattern(*id) {
		return fmt.Errorf("site create: --id %q must be 2 to 40 lower-case letters, digits and hyphens", *id)
	}
	if len(*name) > 200 {
		return fmt.Errorf("site create: --name must be at most 200 characters")
	}
	db, err := openStore(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CreateSite(ctx, cliActor(*id), app.NewSite(*id, *name, kith.SiteSettings{SafeguardingPhone: *phone})); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "site %s created\n", *id)
	return nil
}

func runUserCreate(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("user create", stderr, getenv)
	site := fs.String("site", "", "the site the person works for")
	email := fs.String("email", "", "their email address, used to sign in")
	role := fs.String("role", "", "visitor, navigator, safeguarding or lead")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := required(fs, "site", "email", "role"); err != nil {
		return err
	}
	if !kith.Role(*role).Valid() {
		return fmt.Errorf("user create: --role must be visitor, navigator, safeguarding or lead")
	}
	if !strings.Contains(*email, "@") || len(*email) > 200 {
		return fmt.Errorf("user create: --email must be an email address")
	}
	pw, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	if err := password.Check(pw); err != nil {
		return fmt.Errorf("user create: the password %v", err)
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Site(ctx, *site); err != nil {
		return fmt.Errorf("user create: no site %q", *site)
	}
	u, err := db.CreateUser(ctx, cliActor(*site), *email, kith.Role(*role), hash)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %d created\n", u.ID)
	return nil
}

// readPassword takes the password from a terminal prompt (asked twice) or
// from the first line of standard input; a second line, if any, must match.
// Never from a flag, where it would sit in shell history and ps.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(a) != string(b) {
			return "", errors.New("the passwords do not match")
		}
		return string(a), nil
	}
	sc := bufio.NewScanner(io.LimitReader(stdin, 64<<10))
	if !sc.Scan() {
		return "", errors.New("give the password as the first line of standard input")
	}
	first := strings.TrimRight(sc.Text(), "\r")
	if sc.Scan() {
		if second := strings.TrimRight(sc.Text(), "\r"); second != first {
			return "", errors.New("the second line of standard input does not match the password")
		}
	}
	return first, nil
}

func runTokenCreate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("token create", stderr, getenv)
	site := fs.String("site", "", "the site the token acts for")
	role := fs.String("role", "", "visitor, navigator, safeguarding or lead")
	name := fs.String("name", "", "what the token is for")
	days := fs.Int("days", app.DefaultTokenDays, "how many days the token works for (1 to 365)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *days < 1 || *days > app.MaxTokenDays {
		return fmt.Errorf("token create: --days must be between 1 and %d", app.MaxTokenDays)
	}
	if err := required(fs, "site", "role"); err != nil {
		return err
	}
	if !kith.Role(*role).Valid() {
		return fmt.Errorf("token create: --role must be visitor, navigator, safeguarding or lead")
	}
	db, err := openStore(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Site(ctx, *site); err != nil {
		return fmt.Errorf("token create: no site %q", *site)
	}
	_, secret, err := app.CreateOperatorToken(ctx, db.Tokens, cliActor(*site), kith.Role(*role), *name, *days, db.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	return nil
}

func runTokenRevoke(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("token revoke", stderr, getenv)
	site := fs.String("site", "", "the token's site")
	id := fs.String("id", "", "the token's id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := required(fs, "site", "id"); err != nil {
		return err
	}
	n, err := strconv.ParseInt(*id, 10, 64)
	if err != nil {
		return fmt.Errorf("token revoke: --id must be a number")
	}
	db, err := openStore(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.RevokeToken(ctx, cliActor(*site), n); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "token %d revoked\n", n)
	return nil
}

// runSiteSSO connects a site to its OpenID provider; the client secret is
// the first line of standard input, so it stays out of the shell history.
func runSiteSSO(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("site sso", stderr, getenv)
	site := fs.String("site", "", "the site whose people sign in through the provider")
	issuer := fs.String("issuer", "", "the provider's issuer, e.g. https://login.microsoftonline.com/TENANT/v2.0")
	tenant := fs.String("tenant", "", "Microsoft Entra ID: the tenant id (tid) tokens must carry")
	clientID := fs.String("client-id", "", "Kith's client (application) id at the provider")
	claim := fs.String("claim", "groups", "the ID token claim holding groups or app roles (groups, roles, ...)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := required(fs, "site", "issuer", "client-id"); err != nil {
		return err
	}
	sc := bufio.NewScanner(stdin)
	secret := ""
	if sc.Scan() {
		secret = strings.TrimSpace(sc.Text())
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	p := app.OIDCProvider{Issuer: *issuer, Tenant: *tenant, ClientID: *clientID, ClientSecret: secret, Claim: *claim}
	if err := app.SetOIDCProvider(ctx, db, cliActor(*site), p); err != nil {
		if fe := kith.FieldErrors(err); len(fe) > 0 {
			return fmt.Errorf("site sso: %s %s (the client secret is the first line of standard input)", fe[0].Field, fe[0].Message)
		}
		return err
	}
	fmt.Fprintf(stdout, "site %s signs in through %s; its lead maps groups to roles at /lead/sign-in\n", *site, p.Issuer)
	return nil
}
