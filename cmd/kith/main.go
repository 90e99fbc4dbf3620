// Command kith is the Kith service and its admin commands. main only wires
// flags, environment and signals to run; everything else lives in packages.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "kith:", err)
		os.Exit(1)
	}
}

const usage = `Usage: kith COMMAND [flags]

Commands:
  serve            run the service (--addr, --db, --demo)
  migrate          apply database migrations (--db)
  site create      add a site (--db, --id, --name)
  user create      add a person who signs in (--db, --site, --email, --role); password on stdin
  token create     make an API token and print it (--db, --site, --role, --name)
  token revoke     revoke an API token (--db, --site, --id)
  assets import    import ORUK/HSDS JSON or a zip of HSDS CSV into a directory (--db, --site, FILE)
  demo generate    make realistic demo screenings and referrals (--db, --screenings N, --seed)
  reports rebuild  count the report aggregates again from the rows (--db)
  postcodes load   load postcode centroids from an ONS Postcode Directory CSV (--db, FILE)
  backup           write a consistent copy of the database (--db, --out)
  copy             copy a SQLite database's whole history into an empty PostgreSQL one (--from, --to)
  healthcheck      exit 0 if the service at --addr answers /healthz (for containers)

Run 'kith COMMAND -h' for a command's flags.
`

// run is the whole program, with its inputs passed in so tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	cmd, rest := args[0], args[1:]
	sub := ""
	if len(rest) > 0 && len(rest[0]) > 0 && rest[0][0] != '-' {
		sub = rest[0]
	}
	switch {
	case cmd == "serve":
		return runServe(ctx, rest, getenv, stderr)
	case cmd == "migrate":
		return runMigrate(ctx, rest, getenv, stdout, stderr)
	case cmd == "healthcheck":
		return runHealthcheck(ctx, rest, getenv, stdout, stderr)
	case cmd == "backup":
		return runBackup(ctx, rest, getenv, stdout, stderr)
	case cmd == "copy":
		return runCopy(ctx, rest, getenv, stdout, stderr)
	case cmd == "site" && sub == "create":
		return runSiteCreate(ctx, rest[1:], getenv, stdout, stderr)
	case cmd == "site" && sub == "sso":
		return runSiteSSO(ctx, rest[1:], getenv, stdin, stdout, stderr)
	case cmd == "user" && sub == "create":
		return runUserCreate(ctx, rest[1:], getenv, stdin, stdout, stderr)
	case cmd == "token" && sub == "create":
		return runTokenCreate(ctx, rest[1:], getenv, stdout, stderr)
	case cmd == "assets" && sub == "import":
		return runAssetsImport(ctx, rest[1:], getenv, stdout, stderr)
	case cmd == "demo" && sub == "generate":
		return runDemoGenerate(ctx, rest[1:], getenv, stdout, stderr)
	case cmd == "reports" && sub == "rebuild":
		return runReportsRebuild(ctx, rest[1:], getenv, stdout, stderr)
	case cmd == "postcodes" && sub == "load":
		return runPostcodesLoad(ctx, rest[1:], getenv, stdout, stderr)
	case cmd == "token" && sub == "revoke":
		return runTokenRevoke(ctx, rest[1:], getenv, stdout, stderr)
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", joinCmd(cmd, sub))
}

func joinCmd(cmd, sub string) string {
	if sub == "" {
		return cmd
	}
	return cmd + " " + sub
}
