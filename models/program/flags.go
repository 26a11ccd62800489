package program

import (
	"flag"
	"os"
	"strconv"
	"time"
)

// The common flags every dsdemo program has, beyond its own. Run defines
// them and a launcher writes them (Common.Args), both from these names, so
// the side that starts a program and the side that reads its command line
// cannot drift apart.
const (
	FlagName              = "name"                // the node name in traces; defaults to the role
	FlagListen            = "listen"              // HOST:PORT to listen on; only a program that serves has it
	FlagTrace             = "trace"               // the collector's address (default $DSDEMO_TRACE)
	FlagExitWithCollector = "exit-with-collector" // stop when the collector hangs up
	FlagJoinToken         = "join-token"          // the join token of a class's demo
	FlagSeed              = "seed"                // the seed of random faults and choices, to repeat a run
)

// Common is the values of the common flags. Run parses them into one
// (Env carries what a program needs of them), and a launcher that starts a
// program fills one in and passes Args on its command line.
type Common struct {
	Name              string // "" leaves out --name: the program calls itself by its role
	Listen            string // "" leaves out --listen: the program's default, or it serves nobody
	Trace             string // "" leaves out --trace: no collector
	Token             string // never passed as an argument: the launcher passes it in $DSDEMO_TOKEN, out of sight
	ExitWithCollector bool
	Seed              uint64 // 0 leaves out --seed: the program takes one from the clock
}

// Args returns the common flags as command-line arguments, in a fixed
// order, leaving out those that are not set.
func (c Common) Args() []string {
	var args []string
	add := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	add(FlagName, c.Name)
	add(FlagListen, c.Listen)
	add(FlagTrace, c.Trace)
	if c.Trace != "" && c.ExitWithCollector {
		args = append(args, "--"+FlagExitWithCollector)
	}
	if c.Seed != 0 {
		add(FlagSeed, strconv.FormatUint(c.Seed, 10))
	}
	return args
}

// define adds the common flags to fs, parsed into c. A program that serves
// nobody (listen == "") has no --listen.
func (c *Common) define(fs *flag.FlagSet, role, listen string) {
	fs.StringVar(&c.Name, FlagName, role, "node name in traces")
	if listen != "" {
		fs.StringVar(&c.Listen, FlagListen, listen, "address to listen on (`HOST:PORT`; port 0 picks a free one)")
	}
	fs.StringVar(&c.Trace, FlagTrace, os.Getenv(TraceEnv), "send trace events to the collector at `ADDR` (default $"+TraceEnv+")")
	fs.BoolVar(&c.ExitWithCollector, FlagExitWithCollector, false, "stop when the trace collector goes away")
	fs.StringVar(&c.Token, FlagJoinToken, os.Getenv(TokenEnv), "the join token of the class's demo the collector belongs to (default $"+TokenEnv+")")
	fs.Uint64Var(&c.Seed, FlagSeed, uint64(time.Now().UnixNano()), "seed for random faults, to repeat a run")
}
