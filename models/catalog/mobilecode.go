package catalog

import (
	"dsdemo/models/trace"

	"dsdemo/models/i18n"
)

func init() { register(50, mobileCode) }

// mobileCode is the lecture's mobile code model: the server delivers code,
// the client runs it in a sandbox, and the code calls home.
//
//	codeserver --fetch_ok (signed script)--> client-1 (sandbox)
//	codeserver <--------call (origin.call)-- client-1
//
// Both sides use the classroom key pair ("--key demo", "--trust demo"),
// so no key files are needed. The codeserver serves "calculator" with a
// broken signature (--tamper), for the refusal experiment.
func mobileCode() Model {
	return Model{
		ID:    "mobilecode",
		Title: i18n.Text{DE: "Mobiler Code", EN: "Mobile code"},
		Summary: i18n.Text{
			DE: "Nicht die Daten wandern zum Programm, sondern das Programm zum Client: Der Server liefert ein signiertes Skript, der Client führt es in einer Sandbox aus, und das Skript fragt beim Server nach Daten nach.",
			EN: "Instead of the data travelling to the program, the program travels to the client: the server delivers a signed script, the client runs it in a sandbox, and the script calls home for data.",
		},
		Roles: []Role{
			{Name: "server", Does: i18n.Text{
				DE: "Bietet signierte Skripte und eine kleine Daten-Schnittstelle, die nur die eigenen Skripte erreichen.",
				EN: "Offers signed scripts and a small data interface that only its own scripts reach.",
			}},
			{Name: "client", Does: i18n.Text{
				DE: "Holt ein Skript, prüft die Signatur und führt es in der Sandbox aus: begrenzte Schritte, Zeit und Speicher.",
				EN: "Fetches a script, checks its signature and runs it in the sandbox: limited steps, time and memory.",
			}},
		},
		Programs: []Program{
			{Node: "codeserver", Role: "server", Binary: "codeserver", Listen: ListenAny,
				Args: []string{"--key", "demo", "--tamper", "calculator", "--trust", "demo"}},
			{Node: "client-1", Role: "client", Binary: "sandbox",
				Args: []string{"--server", "{addr:codeserver}", "--trust", "demo", "--key", "demo", "--session"}},
		},
		Layout: LayoutStar,
		Shows: []Shown{
			{Transparency: LocationTransparency, How: i18n.Text{
				DE: "Das Skript ruft origin.call auf, ohne zu wissen, wo der Server steht; die Sandbox verbindet es nur mit seiner Herkunft.",
				EN: "The script calls origin.call without knowing where the server is; the sandbox connects it only with where it came from.",
			}},
			{Transparency: AccessTransparency, How: i18n.Text{
				DE: "Für das Skript sieht der Aufruf beim Server aus wie ein lokaler Funktionsaufruf.",
				EN: "To the script, the call to the server looks like a local function call.",
			}},
		},
		Experiments: []Experiment{codeDownload(), hostileCode(), tamperedCode(), remoteEvaluation(), predictMobileCode()},
	}
}

// logged waits until node logs a line containing text.
func logged(node, text string, caption i18n.Text) Step {
	return Step{Kind: StepWait, Until: Match{Kind: trace.KindLog, Node: node, Text: text}, Caption: caption}
}

func codeDownload() Experiment {
	return Experiment{
		ID:    "download",
		Title: i18n.Text{DE: "Code zum Client", EN: "Code to the client"},
		Summary: i18n.Text{
			DE: "Ein Skript wandert zum Client, wird geprüft, läuft in der Sandbox und fragt beim Server nach Daten.",
			EN: "A script travels to the client, is checked, runs in the sandbox and asks the server for data.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "run aggregate", Caption: i18n.Text{
				DE: "client-1 holt das Skript aggregate vom Server.",
				EN: "client-1 fetches the script aggregate from the server.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "fetch_ok"}, Caption: i18n.Text{
				DE: "fetch_ok bringt den Quelltext und seine Signatur; die Größe steht am Pfeil. Der Client prüft die Signatur mit dem öffentlichen Schlüssel, dem er vertraut.",
				EN: "fetch_ok brings the source and its signature; its size is on the arrow. The client checks the signature with the public key it trusts.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "call_ok"}, Caption: i18n.Text{
				DE: "Das Skript läuft beim Client und ruft mit origin.call(\"products\") nach Hause: Die Rechnung geschieht beim Client, nur die Rohdaten kommen vom Server.",
				EN: "The script runs on the client and calls home with origin.call(\"products\"): the computing happens on the client, only the raw data comes from the server.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindState, Node: "client-1", Key: "last run"}, Caption: i18n.Text{
				DE: "Fertig: Der Inspektor von client-1 zeigt Schritte, Zeit und Urteil des Laufs.",
				EN: "Done: client-1's inspector shows the run's steps, time and verdict.",
			}},
		},
	}
}

func remoteEvaluation() Experiment {
	return Experiment{
		ID:    "remote-evaluation",
		Title: i18n.Text{DE: "Code zum Server (Remote Evaluation)", EN: "Code to the server (remote evaluation)"},
		Summary: i18n.Text{
			DE: "Die andere Richtung: Der Client schickt ein eigenes, signiertes Skript, und der Server führt es dort aus, wo die Daten liegen – genau einmal, auch wenn ein Angreifer die Nachricht wiederholt.",
			EN: "The other direction: the client sends a script of its own, signed, and the server runs it where the data is – exactly once, even when an attacker sends the message again.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "send aggregate", Caption: i18n.Text{
				DE: "client-1 signiert das Skript aggregate mit seinem eigenen Schlüssel und schickt es mit run an den Server; die Signatur deckt den Namen, eine Nonce und die Uhrzeit mit ab.",
				EN: "client-1 signs the script aggregate with its own key and sends it to the server with run; the signature covers its name, a nonce and the time too.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "codeserver", Type: "run"}, Caption: i18n.Text{
				DE: "Der Server prüft die Signatur gegen den Schlüssel, dem er vertraut (--trust), und führt das Skript in seiner eigenen Sandbox aus, mit denselben Grenzen.",
				EN: "The server checks the signature against the key it trusts (--trust) and runs the script in its own sandbox, under the same limits.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "run_ok"}, Caption: i18n.Text{
				DE: "Nur das Ergebnis kommt zurück, keine Rohdaten: Die Produktdaten verlassen den Server nie. Vergleiche mit dem Experiment „Code zum Client“, wo die Daten zum Code wandern.",
				EN: "Only the result comes back, no raw data: the product data never leaves the server. Compare with the experiment “Code to the client”, where the data travels to the code.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "replay", Caption: i18n.Text{
				DE: "Ein Angreifer hat die run-Nachricht mitgeschnitten und schickt sie Byte für Byte noch einmal (im Terminal des Clients: replay). Die Signatur ist echt – sie beweist, wer die Anfrage geschrieben hat, aber nicht, dass sie neu ist.",
				EN: "An attacker recorded the run message and sends it again, byte for byte (in the client's terminal: replay). The signature is genuine – it proves who wrote the request, not that it is new.",
			}},
			logged("client-1", "a replay", i18n.Text{
				DE: "Abgelehnt: Der Client signiert mit dem Skript eine Nonce (eine Zufallszahl, einmal benutzt) und die Uhrzeit. Der Server merkt sich jede Nonce eine Minute lang und führt jede Anfrage nur einmal aus; eine ältere Anfrage lehnt er als veraltet ab (Schutz vor Wiedereinspielen).",
				EN: "Refused: the client signs a nonce (a random number used once) and the time along with the script. The server remembers every nonce for a minute and runs each request once; an older request it refuses as stale (replay protection).",
			}),
		},
	}
}

func hostileCode() Experiment {
	return Experiment{
		ID:    "hostile",
		Title: i18n.Text{DE: "Feindseliger Code", EN: "Hostile code"},
		Summary: i18n.Text{
			DE: "Die Sandbox schützt den Client: Endlosschleife, Speicherfresser, riesige Zahl, Rekursion, fremder Rechner und Dateizugriff werden gestoppt.",
			EN: "The sandbox protects the client: an endless loop, a memory hog, a huge number, recursion, a third host and file access are all stopped.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "run hostile-loop", Caption: i18n.Text{
				DE: "Eine Endlosschleife.", EN: "An endless loop.",
			}},
			logged("client-1", "stopped: more than", i18n.Text{
				DE: "Gestoppt nach einer Million Schritten: Die Sandbox zählt jeden Schritt.",
				EN: "Stopped after a million steps: the sandbox counts every step.",
			}),
			{Kind: StepDo, Node: "client-1", Cmd: "run hostile-memory", Caption: i18n.Text{
				DE: "Ein Skript, das mit wenigen Schritten viel Speicher belegt.", EN: "A script that takes a lot of memory in a few steps.",
			}},
			logged("client-1", "would go past", i18n.Text{
				DE: "Gestoppt, bevor der Speicher belegt war – Schritte allein begrenzen den Speicher nicht. Jeder Lauf hat ein Budget: Jede Operation, die einen großen Wert bauen kann, sagt zuerst, wie viel sie belegen würde.",
				EN: "Stopped before the memory was taken – steps alone do not bound memory. Each run has a budget: every operation that can build a large value first says how much it would take.",
			}),
			{Kind: StepDo, Node: "client-1", Cmd: "run hostile-bigint", Caption: i18n.Text{
				DE: "Ein einziger Aufruf, int() einer Zeichenkette aus vier Millionen Ziffern, der eine halbe Minute rechnen würde.",
				EN: "One single call, int() of a string of four million digits, that would compute for half a minute.",
			}},
			logged("client-1", "integers are limited", i18n.Text{
				DE: "Ein Aufruf zählt als ein Schritt; darum lehnt die Sandbox zu große Zahlen ab, bevor sie rechnet, und kein Aufruf überdauert die Zeitgrenze.",
				EN: "One call counts as one step; so the sandbox refuses numbers too large before it computes, and no call outlasts the timeout.",
			}),
			{Kind: StepDo, Node: "client-1", Cmd: "run hostile-recursion", Caption: i18n.Text{
				DE: "Eine Funktion, die sich selbst aufruft.", EN: "A function that calls itself.",
			}},
			logged("client-1", "recursion is not allowed", i18n.Text{
				DE: "Rekursion ist in der Sandbox verboten.", EN: "Recursion is not allowed in the sandbox.",
			}),
			{Kind: StepDo, Node: "client-1", Cmd: "run hostile-thirdhost", Caption: i18n.Text{
				DE: "Ein Skript, das einen dritten Rechner erreichen will.", EN: "A script that wants to reach a third host.",
			}},
			logged("client-1", "no other way out", i18n.Text{
				DE: "Der einzige Weg nach draußen ist origin.call zum Herkunftsserver (same origin), und der kennt diese Operation nicht.",
				EN: "The only way out is origin.call to the server it came from (same origin), and that server knows no such operation.",
			}),
			{Kind: StepDo, Node: "client-1", Cmd: "run hostile-file", Caption: i18n.Text{
				DE: "Ein Skript, das Dateien lesen will.", EN: "A script that wants to read files.",
			}},
			logged("client-1", "load is refused", i18n.Text{
				DE: "Keine Dateien, kein Betriebssystem: Die Sandbox bietet nur origin.call und show.",
				EN: "No files, no operating system: the sandbox offers only origin.call and show.",
			}),
		},
	}
}

func tamperedCode() Experiment {
	return Experiment{
		ID:    "tampered",
		Title: i18n.Text{DE: "Manipulierter Code", EN: "Tampered code"},
		Summary: i18n.Text{
			DE: "Der Server liefert calculator mit kaputter Signatur: Der Client lehnt ab, bevor ein einziger Schritt läuft.",
			EN: "The server delivers calculator with a broken signature: the client refuses it before a single step runs.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "run calculator", Caption: i18n.Text{
				DE: "client-1 holt calculator. Unterwegs wurde ein Byte der Signatur verändert (--tamper).",
				EN: "client-1 fetches calculator. On the way, one byte of its signature was changed (--tamper).",
			}},
			logged("client-1", "signature does not match", i18n.Text{
				DE: "Abgelehnt: Die Signatur passt nicht zum Schlüssel, dem der Client vertraut. Nur wer den privaten Schlüssel hat, kann gültig signieren (Authentizität).",
				EN: "Refused: the signature does not match the key the client trusts. Only who holds the private key can sign validly (authenticity).",
			}),
		},
	}
}
