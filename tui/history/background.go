package history

import "strconv"

// Background traffic is what the programs send on their own to keep the
// system up (a ring's stabilise, notify and ping, a replica's sync, a
// heartbeat), as opposed to what a client asked for. In a ring of seven
// peers it is a hundred messages a second, and it buries the one lookup a
// class is to follow, on the screen and on a slide alike.
//
// Which message types are background is the model's to say
// (catalog.Model.Background), and it names only requests: a reply to a
// background request is background too. The live view dims or hides such
// arrows, and the exporters can leave them out; both decide it here.

// RequestKey names a request: its sender and its id. A reply names the
// request it answers by its own receiver and its ReplyTo (see Answers).
type RequestKey struct {
	From string
	ID   uint64
}

// Answers returns the key of the request a is a reply to; ok is false when
// a is a request.
func (a *Arrow) Answers() (key RequestKey, ok bool) {
	return RequestKey{From: a.To, ID: a.ReplyTo}, a.ReplyTo != 0
}

// BackgroundRequests returns the requests among arrows whose type
// isBackground calls background traffic, so that their replies can be told
// too (see IsBackground). A nil isBackground means nothing is background.
func BackgroundRequests(arrows []Arrow, isBackground func(msgType string) bool) map[RequestKey]bool {
	requests := map[RequestKey]bool{}
	if isBackground == nil {
		return requests
	}
	for i := range arrows {
		if a := &arrows[i]; a.ReplyTo == 0 && isBackground(a.Type) {
			requests[RequestKey{From: a.From, ID: a.ID}] = true
		}
	}
	return requests
}

// IsBackground reports whether a is background traffic: a message of a
// type isBackground names, or a reply to one of requests, the background
// requests of the run (BackgroundRequests). A nil isBackground means
// nothing is background.
func IsBackground(a *Arrow, isBackground func(msgType string) bool, requests map[RequestKey]bool) bool {
	if isBackground == nil {
		return false
	}
	if key, ok := a.Answers(); ok && requests[key] {
		return true
	}
	return isBackground(a.Type)
}

// ErrorReply reports whether a is an error reply: the wire's "error"
// envelope, or an HTTP status of 400 and above (the HTTP demos name a
// reply by its status code).
func (a *Arrow) ErrorReply() bool {
	if a.Type == "error" {
		return true
	}
	code, err := strconv.Atoi(a.Type)
	return err == nil && len(a.Type) == 3 && code >= 400
}
