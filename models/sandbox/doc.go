// Package sandbox runs code that somebody else wrote: Starlark scripts that
// arrive over the network (mobile code), components a container hosts, a
// proxy downloaded from a lookup service. The host does not trust such code,
// so the code gets a confined place to run in, the sandbox, and the host
// decides everything the code can reach.
//
// # What confines a script
//
//	                   host program (Go)
//	+--------------------------------------------------------+
//	|  granted built-ins, the only way out: origin.call,     |
//	|  show, db.query, ... (Compile's builtins)              |
//	|        ^                                               |
//	|  +-----|------------------ sandbox ----------------+   |
//	|  |  script   steps <= Limits.Steps   (endless loop) |   |
//	|  |           time  <= Limits.Timeout (slow run)     |   |
//	|  |           alloc <= Limits.Heap    (a huge value  |   |
//	|  |                    is refused BEFORE it is made) |   |
//	|  |           no recursion, no load, no files,       |   |
//	|  |           no clock, no sockets                   |   |
//	|  +--------------------------------------------------+   |
//	|  watchdog: samples the heap, cancels the run           |
//	+--------------------------------------------------------+
//
// One by one, from the outside in:
//
//   - Only granted names. Starlark itself has no files, sockets, clock or
//     processes. A script sees Starlark's built-ins and the names the host
//     passes to Compile or Run, nothing else; load is refused
//     (ErrLoadRefused).
//   - A step limit (Limits.Steps) stops endless loops: StepLimitError.
//   - A wall-clock limit (Limits.Timeout) stops slow runs: TimeoutError.
//     Time a granted built-in spends waiting on the world outside (Wait)
//     counts on a clock the host chooses (Limits.WaitClock), so a reply
//     held back in the launcher's step mode does not end the run.
//   - An allocation budget (Limits.Heap). One step can ask for a gigabyte
//     ('x' * (1 << 30)), so steps do not bound memory. Before a script
//     runs, every operation that can build a large value is rewritten into
//     a checked one (instrument.go), which charges the run's budget first
//     and refuses before it allocates (budget.go): AllocLimitError, and
//     IntLimitError for integers too large to compute with quickly.
//   - A heap watchdog (watchdog.go) is the last line: it samples the heap of
//     the whole process and stops a run that makes it grow by more than the
//     runs under way could explain: HeapLimitError. It assumes no more than
//     MaxConcurrentRuns runs at once; a host bounds its runs accordingly.
//   - No recursion (RecursionError): every call depth is bounded.
//   - A panic in a built-in stops the run (PanicError), not the host.
//   - Values leaving the sandbox (ToGo) are bounded in depth and size and
//     may not contain themselves; values entering it (FromGo) in depth.
//
// Every way a run ends has one sentence, the error's message, which is also
// the Result's Verdict: "stopped: more than 1000 steps", "stopped: ran
// longer than 2s", "the script failed: ...".
//
// # Using it
//
// Run compiles a script and runs it once. A host that keeps a script's
// functions (a component with business methods) compiles once (Compile),
// initialises a copy of its globals per instance (Program.Init) and runs
// each function call under limits of its own (Call).
//
//	res, err := sandbox.Run(ctx, "hello", src, sandbox.Limits{Steps: 1000},
//	starlark.StringDict{"show": sandbox.Printer("show", os.Stdout)}, os.Stdout)
//
// # Who wrote it: signatures
//
// A sandbox limits what code does; a signature says who wrote it and that
// nobody changed it on the way. Sign and Verify use ed25519 over a purpose
// and fields framed as netstrings, so a signature made for one purpose or
// one script is worth nothing for another. ReadPrivateKey, ReadPublicKey
// and GenerateKey handle key files; DemoName is the classroom pair, whose
// seed is public. Signed code is not safe code: it still runs in the
// sandbox.
package sandbox
