// Package launch is the engine of the dsdemo launcher, with no user
// interface: it starts an architecture model of the catalogue as real
// processes, watches them through their trace events, lets a class break
// them (kill, freeze, restart, partition, faults), plays the model's guided
// experiments step by step, and makes sure that no process outlives it.
//
// # Who starts what
//
// Start first opens a trace collector on 127.0.0.1:0, then starts the
// model's programs from bin/ (building the ones that are missing) in the
// order the catalogue gives (startOrder). Each program is told
// where the collector is (--trace), and each says hello there with the
// address it listens on. The launcher waits for every hello before it starts
// the next program, so a client is started only once the address of its
// server is known:
//
//	        +--------------------------------------------+
//	        | launcher: Start, Kill, Freeze, Restart ... |
//	        | trace collector on 127.0.0.1:P             |
//	        +--------------------------------------------+
//	exec, then |  ^ hello, send, recv,      | control lines: do,
//	wait for   |  | state, log, bye         | delay, drop, partition
//	its hello  v  |                         v
//	+----------------------+  put a 1   +-------------------------+
//	| bin/server           | <--------- | bin/client              |
//	| --listen 127.0.0.1:0 |  put_ok    | --server 127.0.0.1:PORT |
//	| --trace 127.0.0.1:P  | ---------> | --trace 127.0.0.1:P     |
//	+----------------------+            +-------------------------+
//
// Servers that need each other's addresses (cooperating servers) cannot wait
// for each other's hello; the launcher reserves their ports before anything
// starts (reserveAddr) and passes them with --listen.
//
// Every process's exact command line is kept (Proc.Cmdline), so a student
// can run the same program in a second terminal and watch it join the demo.
//
// # No process left behind
//
// A demo runs in front of a class, and a crashed or killed launcher must not
// leave servers holding ports. Four things see to that, each covering a way
// the launcher can end:
//
//   - Close (quit, Ctrl-C, a panic that is recovered) sends SIGKILL to every
//     child's process group and waits until each is reaped.
//   - Each child runs in a process group of its own (Setpgid), so a signal
//     to the group reaches the child and anything it started, and a Ctrl-C
//     typed at the terminal goes to the launcher alone, which then decides.
//   - Each child gets SIGKILL from the kernel when the launcher dies, even
//     by SIGKILL (Pdeathsig, Linux only). Strictly, the kernel watches the
//     thread that started the child; Go keeps its threads for the life of
//     the program unless a goroutine locked to one (LockOSThread) ends,
//     which nothing in dsdemo does.
//   - Each child is started with --exit-with-collector: when its trace
//     connection closes, it shuts down by itself. And its stdin is a pipe
//     the launcher holds: a client ends its session when the pipe closes.
//
// # Guided experiments
//
// A Player carries out an experiment of the catalogue one step at a time:
// Next starts, kills, freezes or partitions nodes, lets a client run a
// command (a "do" control line), sets faults, and for a wait step waits for
// the event the step describes. Events are counted from the moment the step
// before was carried out, so an old reply does not answer a new question.
//
// A typical use, without a user interface:
//
//	m, _ := catalog.ByID("clientserver")
//	l, err := launch.Start(ctx, launch.Config{Model: m, OnEvent: show})
//	if err != nil {
//		return err
//	}
//	defer l.Close()
//	p := launch.NewPlayer(l, m.Experiments[0])
//	for !p.Done() {
//		step, err := p.Next(ctx)
//		fmt.Println(step.Caption.In("en"), err)
//	}
package launch
