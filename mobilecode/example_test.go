package mobilecode_test

import (
	"context"
	"fmt"
	"os"

	"dsdemo/mobilecode"
)

// A script runs with show for output and origin.call for data from home;
// here home is the server's own data API.
func ExampleRun() {
	src := []byte(`
rates = origin.call("rates")
show("10 EUR is", 10 * rates["CHF"], "CHF")
`)
	res, err := mobilecode.Run(context.Background(), "example", src, mobilecode.DefaultLimits, mobilecode.LocalCall, os.Stdout)
	fmt.Println(res.Verdict, err)
	// Output:
	// 10 EUR is 9.5 CHF
	// finished <nil>
}

// A script that never ends is stopped by the step limit.
func ExampleRun_stopped() {
	src := []byte("while True:\n    pass\n")
	_, err := mobilecode.Run(context.Background(), "loop", src, mobilecode.Limits{Steps: 5000}, nil, os.Stdout)
	fmt.Println(err)
	// Output:
	// stopped: more than 5000 steps
}
