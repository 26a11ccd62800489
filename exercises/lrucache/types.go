// Package lrucache is a coding exercise: a cache with LRU eviction and a
// time-to-live, the heart of the caching proxy in dsdemo/proxy.
//
// A proxy keeps answers of the origin server so that the next client asking
// the same thing gets it at once, without the trip to the server. Two rules
// keep such a cache honest and small:
//
//	time-to-live  an answer is kept only for ttl; after that it may be out
//	              of date, counts as a miss and is thrown away
//	LRU           the cache holds at most capacity entries; when a new one
//	              comes and there is no room, the least recently used goes
//
//	      most recently used                       least recently used
//	Get b: [ b ]  [ d ]  [ a ]  [ c ]   -->  Put e when full: c goes
//
// The clock is injected (a Clock, usually time.Now), so a test can let
// hours pass in a microsecond.
//
// The student writes Cache in lrucache.go; the grader in grader_test.go
// checks it (make grade EX=lrucache).
package lrucache

import "time"

// Clock tells the current time. The cache asks it instead of calling
// time.Now itself, so that tests (and the grader) can move time forward.
type Clock func() time.Time
