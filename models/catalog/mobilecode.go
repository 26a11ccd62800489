package catalog

import "dsdemo/models/i18n"

func init() { register(50, mobileCode) }

// mobileCode is the lecture's mobile code model: the server delivers code,
// the client runs it in a sandbox, and the code calls home.
//
//	codeserver --fetch_ok (signed script)--> client-1 (sandbox)
//	codeserver <--------call (origin.call)-- client-1
//
// Both sides use the classroom key pair ("--key demo", "--trust demo"),
// so no key files are needed. The codeserver serves "calculator" with a
// line appended after signing (--tamper), for the refusal experiment.
func mobileCode() Model {
	return Model{
		ID:    "mobilecode",
		Title: i18n.Text{DE: "Mobiler Code", EN: "Mobile code"},
		Summary: i18n.Text{
			DE: "Code auf Abruf (Code on Demand): Der Client holt sich ein vom Server signiertes Skript, prüft die Signatur und lässt es eingesperrt laufen (Sandbox). Gerechnet wird beim Client; die Daten dafür erfragt das Skript bei seinem Server. Ein Experiment dreht die Richtung um: Dort schickt der Client sein Skript zum Server (Remote Evaluation).",
			EN: "Code on demand: the client fetches a script the server has signed, checks the signature and runs it locked in (a sandbox). The computing happens on the client; the data for it the script asks its server for. One experiment turns the direction round: there the client sends its script to the server (remote evaluation).",
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
	}
}
