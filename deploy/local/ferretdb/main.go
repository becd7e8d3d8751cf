// Command ferretdb-local runs an embedded FerretDB v1 (MongoDB wire protocol)
// with the SQLite backend for local development and tests.
//
// A plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.x` binary
// panics at start because build/version/version.txt is generated and not part
// of the module; the embeddable package does not need it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	_ "net/http/pprof" // served only with -pprof-addr: where FerretDB's CPU goes (docs/benchmarks.md)
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP listen address")
	dataDir := flag.String("sqlite-dir", "data", "directory for the SQLite databases")
	debug := flag.Bool("debug", false, "debug logging")
	postgresURL := flag.String("postgresql-url", "", "use the PostgreSQL backend at this URL instead of SQLite")
	pprofAddr := flag.String("pprof-addr", "", "serve Go's /debug/pprof on this address (off when empty)")
	flag.Parse()

	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	dir, err := filepath.Abs(*dataDir)
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-local: data dir: %v\n", err)
		os.Exit(1)
	}

	// Telemetry: the embeddable package never starts the reporter and locks
	// telemetry to disabled; FERRETDB_TELEMETRY=disable is set by mongo.sh too.
	config := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
		Handler:  "sqlite",
		// unix-excl keeps SQLite's WAL index in process memory instead of a
		// memory-mapped -shm file: with the default VFS, modernc's SQLite
		// faults (SIGBUS in walFindFrame) when many pooled connections read a
		// WAL database while others write, which crashed FerretDB under our
		// concurrency tests. FerretDB is the only process that opens these
		// files, which is exactly the case unix-excl is meant for.
		SQLiteURL: "file:" + dir + "/?vfs=unix-excl",
	}
	if *postgresURL != "" {
		config.Handler = "postgresql"
		config.PostgreSQLURL = *postgresURL
	}
	f, err := ferretdb.New(config)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-local: %v\n", err)
		os.Exit(1)
	}

	if *pprofAddr != "" {
		go func() {
			logger.Info("ferretdb-local pprof", "listen", *pprofAddr, "err", http.ListenAndServe(*pprofAddr, nil))
		}()
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	logger.Info("ferretdb-local starting", "listen", *listen, "sqlite", dir)
	if err = f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-local: %v\n", err)
		os.Exit(1)
	}
	logger.Info("ferretdb-local stopped")
}
