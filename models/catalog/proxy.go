package catalog

import (
	"dsdemo/models/trace"

	"dsdemo/models/i18n"
)

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
				DE: "Treffer im Cache sind schnell, ohne dass der Client etwas dafür tun muss.",
				EN: "Cache hits are fast without the client doing anything for it.",
			}},
			{Transparency: FailureTransparency, How: i18n.Text{
				DE: "Fällt der Server aus, liefert der Proxy für Ressourcen mit stale-if-error die letzte Kopie weiter.",
				EN: "When the server fails, the proxy keeps serving its last copy of resources marked stale-if-error.",
			}},
		},
		Experiments: []Experiment{coldWarm(), slowOrigin(), revalidate(), originDown(), blocked(), noAccess(), predictProxy()},
	}
}

// fetched waits until node gets an answer with the given status.
func fetched(node, status string, caption i18n.Text) Step {
	return Step{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: node, Type: status}, Caption: caption}
}

func coldWarm() Experiment {
	return Experiment{
		ID:    "cold-warm",
		Title: i18n.Text{DE: "Kalter und warmer Cache", EN: "Cold and warm cache"},
		Summary: i18n.Text{
			DE: "Dieselbe Ressource zweimal: beim ersten Mal fragt der Proxy den Server, beim zweiten Mal nicht.",
			EN: "The same resource twice: the first time the proxy asks the server, the second time it does not.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "get /static/a", Caption: i18n.Text{
				DE: "client-1 holt /static/a. Der Cache ist noch leer (kalt): der Proxy muss den Server fragen, der 300 ms braucht.",
				EN: "client-1 fetches /static/a. The cache is still empty (cold): the proxy has to ask the server, which takes 300 ms.",
			}},
			fetched("client-1", "200", i18n.Text{
				DE: "Antwort mit X-Cache: MISS. Der Server hat max-age=60 gesagt: 60 Sekunden darf der Proxy die Antwort wiederverwenden.",
				EN: "Answer with X-Cache: MISS. The server said max-age=60: for 60 seconds the proxy may reuse the answer.",
			}),
			{Kind: StepDo, Node: "client-1", Cmd: "get /static/a", Caption: i18n.Text{
				DE: "client-1 holt /static/a noch einmal.",
				EN: "client-1 fetches /static/a once more.",
			}},
			fetched("client-1", "200", i18n.Text{
				DE: "X-Cache: HIT – der Proxy antwortet sofort aus dem Cache, ohne eine einzige Nachricht an den Server. Der Inspektor des Proxys zeigt Einträge und Trefferquote.",
				EN: "X-Cache: HIT – the proxy answers at once from its cache, without a single message to the server. The proxy's inspector shows its entries and hit ratio.",
			}),
		},
	}
}

func slowOrigin() Experiment {
	return Experiment{
		ID:    "slow-origin",
		Title: i18n.Text{DE: "Ein langsamer Server", EN: "A slow server"},
		Summary: i18n.Text{
			DE: "Der Weg zum Server wird langsam; was im Cache liegt, kommt trotzdem sofort.",
			EN: "The way to the server gets slow; what is in the cache still comes at once.",
		},
		Steps: []Step{
			{Kind: StepFault, Node: "origin", Fault: trace.Control{Op: trace.OpDelay, Ms: 2000}, Caption: i18n.Text{
				DE: "Jede Antwort des Servers braucht jetzt zwei Sekunden mehr – ein überlasteter oder weit entfernter Server.",
				EN: "Every answer of the server now takes two more seconds – an overloaded or distant server.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "get /static/slow", Caption: i18n.Text{
				DE: "client-1 holt /static/slow. Der Proxy hat es nicht und muss warten.",
				EN: "client-1 fetches /static/slow. The proxy does not have it and has to wait.",
			}},
			fetched("client-1", "200", i18n.Text{
				DE: "Nach über zwei Sekunden: MISS. Man sieht die Antwort über die Kante kriechen.",
				EN: "After more than two seconds: MISS. You can watch the answer crawl along its edge.",
			}),
			{Kind: StepDo, Node: "client-1", Cmd: "get /static/slow", Caption: i18n.Text{
				DE: "Noch einmal.",
				EN: "Once more.",
			}},
			fetched("client-1", "200", i18n.Text{
				DE: "HIT, sofort: Der langsame Server wird gar nicht gefragt. Leistungstransparenz – der Client merkt nichts vom Umweg.",
				EN: "HIT, at once: the slow server is not asked at all. Performance transparency – the client notices nothing of the detour.",
			}),
			{Kind: StepFault, Node: "origin", Fault: trace.Control{Op: trace.OpDelay, Ms: 0}, Caption: i18n.Text{
				DE: "Der Server ist wieder schnell.",
				EN: "The server is fast again.",
			}},
		},
	}
}

func revalidate() Experiment {
	return Experiment{
		ID:    "revalidate",
		Title: i18n.Text{DE: "Nachfragen statt neu holen", EN: "Ask instead of fetching again"},
		Summary: i18n.Text{
			DE: "Bei no-cache fragt der Proxy jedes Mal nach, ob seine Kopie noch stimmt; die Antwort 304 ist klein.",
			EN: "With no-cache the proxy asks every time whether its copy is still right; the 304 answer is small.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "get /etag/a", Caption: i18n.Text{
				DE: "client-1 holt /etag/a. Der Server schickt die Ressource mit einem ETag (ihrer Versionsnummer) und no-cache.",
				EN: "client-1 fetches /etag/a. The server sends the resource with an ETag (its version) and no-cache.",
			}},
			fetched("client-1", "200", i18n.Text{DE: "Erste Antwort: MISS.", EN: "First answer: MISS."}),
			{Kind: StepDo, Node: "client-1", Cmd: "get /etag/a", Caption: i18n.Text{
				DE: "Noch einmal. Der Proxy fragt mit If-None-Match: Hat sich die Version geändert?",
				EN: "Once more. The proxy asks with If-None-Match: has the version changed?",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "cacheproxy", Type: "304"}, Caption: i18n.Text{
				DE: "Der Server antwortet 304 Not Modified – ohne Inhalt. Der Proxy liefert seine Kopie aus: X-Cache: REVALIDATED.",
				EN: "The server answers 304 Not Modified – without a body. The proxy serves its copy: X-Cache: REVALIDATED.",
			}},
			fetched("client-1", "200", i18n.Text{
				DE: "Der Client bekommt die vollständige Antwort; dass nur eine kleine Bestätigung über das Netz ging, merkt er nicht.",
				EN: "The client gets the whole answer; it does not notice that only a small confirmation crossed the network.",
			}),
		},
	}
}

func originDown() Experiment {
	return Experiment{
		ID:    "origin-down",
		Title: i18n.Text{DE: "Der Server fällt aus", EN: "The server fails"},
		Summary: i18n.Text{
			DE: "Mit stale-if-error überbrückt der Proxy den Ausfall; andere Ressourcen sind nicht mehr zu haben.",
			EN: "With stale-if-error the proxy bridges the failure; other resources can no longer be had.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "get /stale/a", Caption: i18n.Text{
				DE: "client-1 holt /stale/a: eine Sekunde frisch, aber im Fehlerfall noch zehn Minuten verwendbar (stale-if-error=600).",
				EN: "client-1 fetches /stale/a: fresh for a second, but usable for ten more minutes when things go wrong (stale-if-error=600).",
			}},
			fetched("client-1", "200", i18n.Text{DE: "Der Proxy hat jetzt eine Kopie.", EN: "The proxy now has a copy."}),
			{Kind: StepKill, Node: "origin", Caption: i18n.Text{
				DE: "Der Server wird abgeschossen.",
				EN: "The server is killed.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "get /stale/a", Caption: i18n.Text{
				DE: "client-1 fragt wieder nach /stale/a.",
				EN: "client-1 asks for /stale/a again.",
			}},
			fetched("client-1", "200", i18n.Text{
				DE: "X-Cache: STALE – die alte Kopie verdeckt den Ausfall (Fehlertransparenz).",
				EN: "X-Cache: STALE – the old copy masks the failure (failure transparency).",
			}),
			{Kind: StepDo, Node: "client-1", Cmd: "get /static/z", Caption: i18n.Text{
				DE: "Jetzt eine Ressource, die der Proxy nie gesehen hat.",
				EN: "Now a resource the proxy has never seen.",
			}},
			fetched("client-1", "502", i18n.Text{
				DE: "502 Bad Gateway mit dem Grund: Der Proxy kann nichts ausliefern, was er nicht hat.",
				EN: "502 Bad Gateway with the reason: the proxy cannot serve what it does not have.",
			}),
			{Kind: StepRestart, Node: "origin", Caption: i18n.Text{
				DE: "Der Server läuft wieder.",
				EN: "The server runs again.",
			}},
		},
	}
}

func blocked() Experiment {
	return Experiment{
		ID:    "blocked",
		Title: i18n.Text{DE: "Ein gesperrter Pfad", EN: "A blocked path"},
		Summary: i18n.Text{
			DE: "Der Proxy filtert: Was auf /ads/* passt, beantwortet er selbst mit 403.",
			EN: "The proxy filters: whatever matches /ads/* it answers itself with 403.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "get /ads/banner", Caption: i18n.Text{
				DE: "client-1 will /ads/banner holen.",
				EN: "client-1 wants /ads/banner.",
			}},
			fetched("client-1", "403", i18n.Text{
				DE: "403 Forbidden vom Proxy, mit dem Muster, das gegriffen hat. Der Server hat die Anfrage nie gesehen.",
				EN: "403 Forbidden from the proxy, naming the pattern that matched. The server never saw the request.",
			}),
			{Kind: StepDo, Node: "client-1", Cmd: "get /static/../ADS/banner", Caption: i18n.Text{
				DE: "Ein Angreifer schreibt denselben Pfad anders: Umweg über /static/.., Großbuchstaben.",
				EN: "An attacker writes the same path differently: a detour through /static/.., capital letters.",
			}},
			fetched("client-1", "403", i18n.Text{
				DE: "Wieder 403: Der Proxy löst den Pfad erst auf (Prozent-Kodierung, . und .., doppelte /) und vergleicht ohne Rücksicht auf Groß- und Kleinschreibung. Eine Sperrliste, die man mit anderer Schreibweise umgehen kann, sperrt nichts.",
				EN: "403 again: the proxy first resolves the path (percent-escapes, . and .., double /) and compares regardless of case. A blocklist that another spelling gets around blocks nothing.",
			}),
		},
	}
}

func noAccess() Experiment {
	return Experiment{
		ID:    "no-access",
		Title: i18n.Text{DE: "Ein Client ohne Zugang", EN: "A client without access"},
		Summary: i18n.Text{
			DE: "Der Proxy lässt nur Clients mit dem Token herein; client-2 hat keins.",
			EN: "The proxy lets in only clients with the token; client-2 has none.",
		},
		Steps: []Step{
			{Kind: StepStart, Node: "client-2", Caption: i18n.Text{
				DE: "client-2 kommt dazu – ohne Token.",
				EN: "client-2 joins – without a token.",
			}},
			{Kind: StepDo, Node: "client-2", Cmd: "get /static/a", Caption: i18n.Text{
				DE: "client-2 holt /static/a.",
				EN: "client-2 fetches /static/a.",
			}},
			fetched("client-2", "407", i18n.Text{
				DE: "407 Proxy Authentication Required: Der Proxy verlangt Proxy-Authorization, bevor er überhaupt in den Cache schaut.",
				EN: "407 Proxy Authentication Required: the proxy wants Proxy-Authorization before it even looks into its cache.",
			}),
		},
	}
}
