package ntier

// What the external tests (package ntier_test) use beyond the exported
// API: the names of a race's passengers, and the rule a request id keeps.
var (
	RacerName      = racerName
	CheckRequestID = checkRequestID
)
