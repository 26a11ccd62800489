package proxy

import "net/http"

// The messages of the proxy model are HTTP requests and their answers.
// httpwire names each one on the wire and in the trace: a request by its
// method and path ("GET /static/a"), an answer by its status code ("304").
// A request's path is data, which resource is meant, so only its method is
// a constant here; the answers are listed by the status codes the model's
// programs give.
//
// Bodies are plain text for a person to read ("resource /etag/a, version
// 2"), so an experiment never matches a field of one: what a cache decides
// by travels in headers (Cache-Control, ETag, Vary, X-Cache).

// The request methods: a request's type is its method, a space and its path.
const (
	MethodGet  = http.MethodGet  // client -> proxy -> origin: fetch a resource
	MethodHead = http.MethodHead // the same as GET, without the body
	MethodPost = http.MethodPost // client -> origin: make a new version of a resource that changes
)

// The answers, by status code. The proxy passes on whatever the origin
// answered, and adds answers of its own.
const (
	TypeOK                 = "200" // the resource; its X-Cache says where it came from
	TypeNotModified        = "304" // origin -> proxy: the version the proxy holds is still right
	TypeBadRequest         = "400" // a path or query the program cannot read
	TypeForbidden          = "403" // proxy: a blocked path, a client outside --allow, a wrong token
	TypeNotFound           = "404" // origin: nothing at that path (GET / lists what there is)
	TypeMethodNotAllowed   = "405" // origin: e.g. POST on a resource that never changes
	TypeProxyAuthRequired  = "407" // proxy: --token is set and the request has no Proxy-Authorization
	TypeTooManyRequests    = "429" // proxy: too many wrong tokens from this client; see Retry-After
	TypeBadGateway         = "502" // proxy: the origin cannot be reached, and no stale copy may stand in
	TypeServiceUnavailable = "503" // origin: it gave up on the request (the client left, or it stops)
	TypeGatewayTimeout     = "504" // proxy: the origin did not answer in time (--timeout)
)

// Messages maps each answer the model's programs give to the type of its
// body, for tools that check names against the protocol: every body is
// text, a string, with no fields to match. The catalogue's test checks
// that each answer an experiment waits for is one of these.
var Messages = map[string]any{
	TypeOK: "", TypeNotModified: "", TypeBadRequest: "", TypeForbidden: "",
	TypeNotFound: "", TypeMethodNotAllowed: "", TypeProxyAuthRequired: "",
	TypeTooManyRequests: "", TypeBadGateway: "", TypeServiceUnavailable: "",
	TypeGatewayTimeout: "",
}

// HeaderXCache is the header on each of the proxy's answers that says
// where the answer came from, as an aid to debugging: its values follow.
const HeaderXCache = "X-Cache"

// The values of X-Cache.
const (
	Hit         = "HIT"         // from the cache, fresh, without asking the origin
	Miss        = "MISS"        // from the origin (and kept, if its headers allow)
	Revalidated = "REVALIDATED" // from the cache, after the origin said 304 Not Modified
	Stale       = "STALE"       // from the cache although stale, because the origin failed
)

// The state the programs report to the trace, by key: the live view's
// inspector shows them, and an experiment may claim their values.
const (
	StateCache    = "cache"     // proxy: "N entries, B bytes"
	StateHitRatio = "hit ratio" // proxy: "0.83 (H hit, R revalidated, S stale, M miss)"
	StateServed   = "served"    // origin: how many requests it has answered
)
