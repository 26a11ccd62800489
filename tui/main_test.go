package main_test

import (
	"flag"
	"os"
	"testing"
)

// TestMain lets TestLectureHall's models think side by side: each spends
// a minute waiting for its class, not computing, so -test.parallel's
// default (the number of cores) would only make the test wait in turn. A
// -parallel given on the command line stands.
func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", "8")
	}
	os.Exit(m.Run())
}
