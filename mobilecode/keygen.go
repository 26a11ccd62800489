package mobilecode

import (
	"flag"
	"fmt"
	"io"
)

// KeygenMain is "codeserver keygen --out NAME": it writes NAME.key and
// NAME.pub and returns the exit code.
func KeygenMain(rand io.Reader, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("out", "", "write the key pair to `NAME`.key and NAME.pub")
	if err := fs.Parse(args); err != nil || *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "codeserver: usage: codeserver keygen --out NAME")
		return 2
	}
	if err := GenerateKey(rand, *out); err != nil {
		fmt.Fprintf(stderr, "codeserver: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s.key (private: keep it secret) and %s.pub (public: give it to clients)\n", *out, *out)
	return 0
}
