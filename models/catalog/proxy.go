package catalog

import "dsdemo/models/i18n"

func init() { register(40, cachingProxy) }

// cachingProxy is the lecture's proxy model: clients ask a proxy instead of
// the server; it answers from its cache when it may, filters and restricts
// access.
//
//	client-1 --GET /static/a--> cacheproxy --GET /static/a--> origin
//	client-1 <-----200 (HIT)--- cacheproxy          (no message on a hit)
//
// The origin answers every request 300 ms late (--delay), so a hit is
// visibly faster than a miss. The proxy blocks /ads/* and lets in only
// clients with the token "class"; client-2, started by the access
// experiment, has none.
func cachingProxy() Model {
	return Model{
		ID:    "proxy",
		Title: i18n.Text{DE: "Proxy mit Cache", EN: "Caching proxy"},
		Summary: i18n.Text{
			DE: "Die Clients fragen nicht den Server selbst, sondern einen Proxy. Der beantwortet, was er schon hat, aus seinem Cache und fragt sonst den Ursprungsserver. " +
				"Nebenbei filtert er unerwünschte Inhalte und lässt nur berechtigte Clients herein.",
			EN: "Clients do not ask the server itself but a proxy. It answers what it already has from its cache and asks the origin server for the rest. " +
				"On the way it filters unwanted content and lets in only clients that may use it.",
		},
		Roles: []Role{
			{Name: "origin", Does: i18n.Text{
				DE: "Der Ursprungsserver: besitzt die Ressourcen und sagt mit Cache-Control, wie lange eine Antwort gelten darf.",
				EN: "The origin server: owns the resources and says with Cache-Control how long an answer may be reused.",
			}},
			{Name: "proxy", Does: i18n.Text{
				DE: "Steht zwischen Clients und Server: hält Antworten im Cache, prüft sie beim Server nach, sperrt Pfade und Clients.",
				EN: "Stands between clients and server: keeps answers in its cache, checks them with the server, blocks paths and clients.",
			}},
			{Name: "client", Does: i18n.Text{
				DE: "Ein Browser: holt eine Ressource nach der anderen über den Proxy.",
				EN: "A browser: fetches one resource after the other through the proxy.",
			}},
		},
		Programs: []Program{
			{Node: "origin", Role: "origin", Binary: "origin", Listen: ListenAny, Args: []string{"--delay", "300ms"}},
			{Node: "cacheproxy", Role: "proxy", Binary: "cacheproxy", Listen: ListenAny,
				Args: []string{"--origin", "http://{addr:origin}", "--block", "/ads/*", "--token", "class"}},
			{Node: "client-1", Role: "client", Binary: "load",
				Args: []string{"--url", "http://{addr:cacheproxy}", "--session", "--token", "class"}},
			{Node: "client-2", Role: "client", Binary: "load", Later: true,
				Args: []string{"--url", "http://{addr:cacheproxy}", "--session"}},
		},
		Layout: LayoutRow,
		Shows: []Shown{
			{Transparency: AccessTransparency, How: i18n.Text{
				DE: "Der Client fragt den Proxy genauso, wie er den Server fragen würde; ob die Antwort aus dem Cache kommt, verrät nur der Kopf X-Cache.",
				EN: "The client asks the proxy exactly as it would ask the server; only the X-Cache header tells whether the answer came from the cache.",
			}},
			{Transparency: PerformanceTransparency, How: i18n.Text{
				DE: "Wächst die Last, stellt man den Proxy vor den Ursprungsserver und nimmt ihm die wiederholten Anfragen ab; die Clients bleiben unverändert und merken es nur daran, dass Treffer schneller kommen.",
				EN: "When the load grows, the proxy is put in front of the origin server and takes the repeated requests off it; the clients stay unchanged and notice only that hits come back faster.",
			}},
			{Transparency: FailureTransparency, How: i18n.Text{
				DE: "Fällt der Server aus, liefert der Proxy für Ressourcen mit stale-if-error die letzte Kopie weiter.",
				EN: "When the server fails, the proxy keeps serving its last copy of resources marked stale-if-error.",
			}},
		},
	}
}
