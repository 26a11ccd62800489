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
// broken signature (--tamper), for the refusal experiment.
func mobileCode() Model {
	return Model{
		ID:    "mobilecode",
		Title: i18n.Text{DE: "Mobiler Code", EN: "Mobile code"},
		Summary: i18n.Text{
			DE: "Hier reist das Programm statt der Daten: Der Client holt sich ein vom Server signiertes Skript, lässt es eingesperrt laufen (Sandbox), und um an Daten zu kommen, wendet sich das Skript wieder an seinen Server.",
			EN: "Here the program travels instead of the data: the client fetches a script the server has signed and runs it locked in (a sandbox), and to get data the script turns back to its server.",
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
