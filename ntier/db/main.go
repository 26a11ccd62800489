// Command db is the data tier of the n-tier model: the flights and
// bookings in a SQLite file in --data DIR, served to the app tier over the
// wire. Without --data the file lives in the system's temporary directory
// (see datatier.DBConfig).
package main

import (
	"context"
	"os"

	"dsdemo/models/program"
	"dsdemo/ntier/datatier"
)

func main() {
	p := program.New("db", "ntier", "127.0.0.1:7520", "[--data DIR]")
	var cfg datatier.DBConfig
	p.Flags.StringVar(&cfg.Data, "data", "", "keep the database in `DIR` (default: dsdemo-ntier-PORT in the temporary directory)")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return datatier.RunDB(ctx, env, cfg)
	}))
}
