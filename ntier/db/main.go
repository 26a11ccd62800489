// Command db is the data tier of the n-tier model: the flights and
// bookings in a SQLite file in --data DIR, served to the app tier over the
// wire.
//
// Without --data the file lives in the system's temporary directory, in a
// folder named after the listen port (and the trace collector's port, when
// there is one): a restart at the same address finds its data again, while
// a new demo in the launcher, which has a new collector, starts with a
// fresh timetable.
package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"time"

	"dsdemo/models/program"
	"dsdemo/ntier/datatier"
)

func main() {
	p := program.New("db", "ntier", "127.0.0.1:7520", "[--data DIR]")
	data := p.Flags.String("data", "", "keep the database in `DIR` (default: dsdemo-ntier-PORT in the temporary directory)")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		dir := *data
		if dir == "" {
			dir = filepath.Join(os.TempDir(), "dsdemo-ntier-"+port(env.Listener.Addr().String()))
			if env.Trace != "" {
				dir += "-" + port(env.Trace)
			}
		}
		store, err := datatier.Open(ctx, dir, time.Now())
		if err != nil {
			return err
		}
		defer store.Close()
		return datatier.NewServer(env.Node, store).Serve(ctx, env.Listener)
	}))
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}
