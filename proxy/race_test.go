//go:build race

package proxy

// raceEnabled is true when the tests run with -race: the programs they start
// are then built with -race too.
const raceEnabled = true
