// Command kithload drives a real Kith server over HTTP with realistic,
// varied screenings, and checks what the service promises under stress:
//
//	kithload load    throughput and latency at saturation and at 70% of it,
//	                 the server's peak memory, and the ratio to raw SQLite
//	kithload crash   kill -9 the server during a burst, restart it, and check
//	                 every acknowledged screening is there, intact, and that
//	                 re-sending every request creates nothing twice
//	kithload backup  take a backup while the load runs and check it holds
//	                 every screening acknowledged before it began
//
// It starts the server itself from a built kith binary (--kith), on a free
// loopback port with a new database, and stops by itself.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kithload:", err)
		os.Exit(1)
	}
}
