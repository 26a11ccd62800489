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
//	  clients                    cacheproxy                      origin
//	+---------+  GET /static/a  +-------------------+  GET, only  +-----------+
//	| load    | --------------> | access: --allow,  |  when the   | /static/  |
//	| curl    |                 |  --token (403/407)|  cache may  | /etag/    |
//	| browser | <-------------- | filter: --block   |  not answer | /private/ |
//	+---------+  200, X-Cache:  |  (403)            | ----------> | /nostore/ |
//	             HIT or MISS    | cache: LRU, bytes | <---------- | /vary/    |
//	                            +-------------------+  200 or 304 | /stale/   |
//	                                                              | /host/    |
//	                                                              | /session/ |
//	                                                              | /big/     |
//	                                                              | /slow/    |
//	                                                              +-----------+
//
// A hit is answered by the proxy alone: the origin sees nothing, and the
// client gets its answer faster and even when the origin is slow. A client
// does not have to know that a proxy answered; only the X-Cache header on
// each answer says where it came from, as an aid to debugging:
//
//	HIT          from the cache, fresh, without asking the origin
//	MISS         from the origin (and kept, if its headers allow)
//	REVALIDATED  from the cache, after the origin said 304 Not Modified
//	STALE        from the cache although too old, because the origin failed
//
// The package has the three programs' parts: [Origin], the server with one
// kind of resource per caching rule; the caching [Proxy]; and [Load], a load
// client that reports the rate, the latency and the hit ratio. Try it in
// three terminals:
//
//	go run ./proxy/origin --delay 200ms
//	go run ./proxy/cacheproxy --origin http://127.0.0.1:7200
//	curl -i http://127.0.0.1:7300/static/a    # twice: MISS, then HIT without the delay
//	go run ./proxy/load -n 2000               # a few keys are hot: most answers are hits
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
// change what it means (see CheckBlockPattern).
//
// --allow CIDR lets in only clients from those networks (403 for others).
// --token T lets in only clients that send "Proxy-Authorization: Bearer T"
// (407 without it, 403 with a wrong one). The token is compared in constant
// time, and a client (an IPv4 address, an IPv6 /64) that sends
// TokenStrikes wrong tokens within TokenWindow is answered 429 Too Many
// Requests, with Retry-After, until the window is over, right token or not.
package proxy
