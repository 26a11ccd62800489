// Package proxy is the proxy model of the lecture, built as an HTTP caching
// proxy that a web developer would recognise.
//
// # The model
//
// In the client/server model a client asks the server itself. In the proxy
// model it asks a proxy instead, a server that stands in for the real one
// (the origin). The proxy answers from its own copy of an earlier answer
// (its cache) when it may, and asks the origin only when it must. Because
// it sees every request, it is also the place to filter content nobody
// should get and to restrict who may ask at all:
//
//	  clients                      cacheproxy                       origin
//	+---------+  GET /static/a   +-------------------+  GET, only   +-----------+
//	| load    | ---------------> | access: --allow,  |  when the    | /static/  |
//	| curl    |                  |  --token          |  cache may   | /etag/    |
//	| browser |                  | filter: --block   |  not answer  | /private/ |
//	|         |                  | cache: LRU, bytes | -----------> | /nostore/ |
//	|         | <--------------- |                   | <----------- | /vary/    |
//	+---------+  200 X-Cache:    +-------------------+  200, or 304 | /stale/   |
//	             HIT, MISS,        refusals of its own:   Not        | /host/    |
//	             REVALIDATED,      403 blocked or wrong   Modified   | /session/ |
//	             STALE             token, 407 no token,              | /big/     |
//	                               429, 502, 504                     | /slow/    |
//	                                                                 +-----------+
//
// A hit is answered by the proxy alone: the origin sees nothing, and the
// client gets its answer sooner, even when the origin is slow. A client
// need not know that a proxy answered; only the X-Cache header on each
// answer says where it came from, as an aid to debugging:
//
//	HIT          from the cache, fresh, without asking the origin
//	MISS         from the origin (and kept, if its headers allow)
//	REVALIDATED  from the cache, after the origin said 304 Not Modified
//	STALE        from the cache although too old, because the origin failed
//
// # Messages
//
// Every message is HTTP. httpwire reports a request by its method and path
// and an answer by its status code, and those are the message types the
// live view draws and the catalogue's experiments wait for (messages.go
// names them; the answers are the keys of [Messages]). A body is text for
// a person to read; what a cache decides by travels in headers.
//
//	type           body           reply                       sent by
//	GET /PATH      none           200 (X-Cache), 304, 403,    a client (load, curl) to the proxy;
//	                              407, 429, 502, 504          the proxy on to the origin on a miss
//	                                                          or to revalidate (If-None-Match,
//	                                                          If-Modified-Since)
//	HEAD /PATH     none           as GET, without a body      a client
//	POST /PATH     none           200 "now version N", 405    a client (curl), to the origin or
//	                                                          through the proxy: a new version
//	200            the resource   -                           the origin, and the proxy for it
//	304            none           -                           the origin: the version asked
//	                                                          about is still right
//	403            the reason     -                           the proxy: blocked path, client
//	                                                          outside --allow, wrong token
//	407            the reason     -                           the proxy: --token set, none sent
//	429            the reason     -                           the proxy: too many wrong tokens
//	502, 504       the reason     -                           the proxy: the origin cannot be
//	                                                          reached, or is too slow
//	400, 404,      the reason     -                           the origin: a bad query, nothing
//	405, 503                                                  there, a wrong method, gave up
//
// The proxy reports its cache to the trace as state ("cache": entries and
// bytes, "hit ratio"), the origin how many requests it has served.
//
// # Try it
//
// Each program in a terminal of its own, from the repository's root:
//
//	go run ./proxy/origin --delay 300ms        # listening on 127.0.0.1:7200; every answer 300 ms late
//	go run ./proxy/cacheproxy --block '/ads/*' # listening on 127.0.0.1:7300, in front of 127.0.0.1:7200
//
// and in a third, the client:
//
//	go run ./proxy/load get /static/a    # 200 OK · X-Cache MISS · ...   (after the origin's 300 ms)
//	go run ./proxy/load get /static/a    # 200 OK · X-Cache HIT · Age 0 · ...   (at once)
//	go run ./proxy/load get /etag/a      # twice: MISS, then REVALIDATED (the origin said 304)
//	go run ./proxy/load get /vary/a de   # a copy per language: Ressource /vary/a, Version 1
//	go run ./proxy/load get /ads/banner  # 403 Forbidden · ... blocked by the proxy (exit 1)
//	go run ./proxy/load --session        # a browser: type get /PATH [LANGUAGE], quit
//	go run ./proxy/load -n 2000          # a load run: rate, latency, hit ratio (most are hits)
//	curl -si http://127.0.0.1:7300/      # the origin's list of resources, through the proxy
//
// Then fetch /stale/a, stop the origin (Ctrl-C in its terminal), wait a
// second and fetch it again: X-Cache STALE, the proxy masks the failure.
// A resource it never saw (get /static/new) is now 502 Bad Gateway, and a
// load run of such resources (load -n 200 --path-prefix /static/new) fails
// with exit code 1: "all 200 requests failed; the first: GET
// /static/new17: 502 Bad Gateway".
//
// The package's functions are the programs: [RunOrigin], [RunProxy] and
// [RunClient], each with its config; the mains in origin/, cacheproxy/ and
// load/ only read flags into the config. The roles' logic is in
// originserver.go, proxy.go (with cache.go, policy.go, access.go) and
// client.go (with workload.go for load runs).
//
// # HTTP caching in short (RFC 9111)
//
// The origin decides what may be cached, and for how long, with headers on
// its answers; a cache only follows them.
//
// Freshness. An answer is fresh for the lifetime the origin gives it:
// Cache-Control: s-maxage=N (for shared caches such as a proxy), else
// max-age=N, else the date in Expires. While fresh, a cache answers with it
// and adds an Age header: how old the copy is, in seconds. Once
// stale, the cache must ask the origin again before it uses the copy.
//
// Who may store. A proxy is a shared cache: it serves many users. It must
// not keep an answer marked Cache-Control: private (one user's own data,
// which only that user's browser may keep), nor one marked no-store (no
// cache anywhere may keep it).
//
// Revalidation. Asking again need not mean sending the whole answer again.
// The origin labels each version with a validator: an ETag (an opaque
// version name) or a Last-Modified date. The cache asks conditionally, with
// If-None-Match: "the ETag I hold" or If-Modified-Since: "the date I hold".
// If nothing changed, the origin answers 304 Not Modified, with headers but
// without a body, and the cache serves its copy, fresh again. no-cache does
// not mean "do not cache": it means "revalidate every time before use".
//
// Variants. Vary: Accept-Language says that the answer depends on that
// request header: a cache keeps one copy per language and serves a copy
// only to a request with the same Accept-Language.
//
// Failure. Cache-Control: stale-if-error=N (RFC 5861) lets a cache serve a
// stale copy for N more seconds when the origin fails or cannot be reached.
// The client gets an answer although the server is down: the proxy masks
// the failure, one of the fault-tolerance techniques of the lecture.
//
// # A shared cache among strangers
//
// A proxy's cache is shared by clients who do not trust each other, in
// front of an origin that may be careless. What one client makes the proxy
// store, every later client gets; so the proxy must never let a client
// choose what others see, nor hand one client's data to another:
//
//   - The cache key is the host the client asked for, the path and the
//     query. The origin learns the host from X-Forwarded-Host, which the
//     proxy sets from the client's Host header; keeping hosts apart means a
//     client that claims another host only fills a slot nobody else uses.
//     Forwarded and every X-Forwarded-* header a client sends are dropped:
//     the origin sees only what the proxy set (cache poisoning, the origin's
//     /host/ resources believe such headers).
//   - An answer with Set-Cookie is stored only when the origin marked it
//     public (public or s-maxage), and even then without the cookie: a
//     cookie is one user's session (/session/ hands out one). A cookie that
//     comes with a 304 goes to the client that caused it, and is not kept.
//   - Stored entries are never changed: requests read them without a lock
//     while others refresh them, so a 304 makes a new entry that takes the
//     old one's place.
//   - Memory is bounded by --cache-size, answers on their way in included.
//     A body streams to its client as it arrives; the copy kept for the
//     cache is reserved in the cache first and given up (the client still
//     gets everything) as soon as it would not fit, or is larger than
//     --max-entry. Try /big/30MiB with --cache-size 8MiB.
//
// # Filter and access control
//
// --block PATTERN answers 403 for the paths PATTERN matches (path.Match
// syntax: * is any run of characters within one segment). A blocklist that
// another spelling of a path gets around blocks nothing, so the proxy
// matches the path as the origin will understand it, not as it was
// written: percent-escapes decoded (/%61ds/x is /ads/x), dot segments and
// empty segments resolved (/static/../ads/x and //ads/x are /ads/x), and
// letters compared regardless of case (/ADS/x), although RFC 3986 calls a
// path case-sensitive: an origin on a file system that is not (Windows,
// macOS) would serve /ADS/x as /ads/x. A pattern also blocks what lies
// below the paths it matches (/ads/* blocks /ads/x/y). The proxy forwards
// the resolved path, so the origin gets exactly what was checked. A
// pattern that is malformed or does not start with / is refused at start,
// and so is one whose [...] classes hold an upper-case letter ([A-Z],
// [Z-a]): the proxy compares in lower case, and lower-casing a class can
// change what it means ([Z-a] would become an empty range).
//
// --allow CIDR lets in only clients from those networks (403 for others).
// --token T lets in only clients that send "Proxy-Authorization: Bearer T"
// (407 without it, 403 with a wrong one). The token is compared in constant
// time, and a client (an IPv4 address, an IPv6 /64) that sends ten wrong
// tokens within a minute is answered 429 Too Many Requests, with
// Retry-After, until the minute is over, right token or not.
//
// # Teacher notes
//
// What to point at:
//
//   - The sequence diagram of a hit: an arrow from the client to the proxy
//     and one back, and none to the origin. Put the 300 ms of --delay next
//     to it: the hit does not pay them. That is the proxy's whole point,
//     and performance transparency: the client did nothing for it.
//   - The 304 in the revalidation experiment: a small message without a
//     body, between proxy and origin only. The client still gets a whole
//     200; it never sees the 304.
//   - X-Cache and Age in the client's line: the one place a client can tell
//     that a proxy answered. Without them the proxy is invisible (access
//     transparency): the client speaks to it exactly as to the origin.
//   - Stopping the origin: STALE for /stale/a, but 502 for a resource never
//     fetched. Masking a failure needs a copy made before it; the proxy
//     cannot invent an answer.
//   - The price of a fresh copy: POST to the origin itself
//     (curl -X POST http://127.0.0.1:7200/vary/a makes version 2), then
//     fetch /vary/a through the proxy: still version 1, a HIT, for up to
//     60 s. A cache trades being up to date for speed, and the origin
//     chooses how much with max-age; /etag/ chooses never to be out of date
//     and pays a question to the origin every time.
//   - The blocked-path experiment's second request: another spelling of
//     the same path. A filter that compares text is not a filter.
//
// The usual wrong answers:
//
//   - "no-cache means the proxy does not cache it." It may keep a copy, but
//     must ask the origin before every use; no-store is the one that
//     forbids keeping it.
//   - "On a hit the proxy asks the origin whether its copy is still
//     current." Only a stale copy, or one marked no-cache, is checked; a
//     fresh hit asks nobody (the second "predict the flow" question).
//   - "private means the proxy must keep it secret." It means only the
//     user's own cache, the browser's, may keep it: never a shared one.
//   - "The proxy has a copy of the server." It has copies of answers, each
//     for as long as the origin allowed, and nothing else; whatever it never
//     fetched it cannot serve, and a POST always goes through.
//   - "The cache key is the path." It is host, path and query, and a
//     response with Vary keeps one copy per value of the headers it names.
//   - "A blocked path is blocked by the origin." The proxy refuses it; the
//     origin never hears of the request (no arrow to it).
package proxy
