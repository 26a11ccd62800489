// Package exercises holds the coding exercises of dsdemo: each sub-folder is
// a small piece of a real distributed system that a student writes and a
// grader checks. (The quiz bank lives in exercises/quiz.)
//
// Every exercise has the same shape, held together by build tags:
//
//	exercises/lamport/
//	  README.md        the task, in German and English
//	  types.go         no tag: what stub and solution share
//	  lamport.go       //go:build !solution   the stub the student edits
//	  solution.go      //go:build solution    the reference solution
//	  grader_test.go   //go:build grade       the grader
//
// Build tags pick which files the compiler sees:
//
//	go test ./exercises/lamport/                            stub only; no grader, stays green
//	go test -tags grade ./exercises/lamport/                the grader against the student's code
//	go test -tags grade,solution ./exercises/lamport/       the grader against the reference solution
//
// `make grade EX=lamport` is the second line. The stub and the solution
// never compile together, because one file needs the tag the other forbids.
//
// A grader that cannot fail proves nothing, so the test in proof_test.go
// runs every grader twice: it must pass on the reference solution and fail,
// by failing cases rather than a build error or a crash, on the stub.
package exercises
