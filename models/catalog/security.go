package catalog

import "dsdemo/models/i18n"

func init() { register(100, security) }

// security is the lecture's chapter on security: Alice writes to Bob,
// Mallory sits on the path between them, and a certificate authority
// vouches for the public keys.
//
//	alice --hello, letter--> mallory --hello, letter--> bob        ca
//	      <--hello_ok------          <--hello_ok------             (issue, crl: both persons)
//
// The row layout draws its columns in the reverse order of Programs:
// Alice left, Mallory in the middle, Bob right, and the CA beside them.
// Alice's --peer is Mallory's address: she believes it is Bob's. Every
// protection, the certificate checks, TLS and Bob's limit per sender are
// switched with commands, so one run shows every attack and its defence.
func security() Model {
	ca := []string{"--ca", "{addr:ca}"}
	return Model{
		ID:    "security",
		Title: i18n.Text{DE: "Sicherheit: Alice, Bob und Mallory", EN: "Security: Alice, Bob and Mallory"},
		Summary: i18n.Text{
			DE: "Alice schreibt Bob, aber jede Nachricht läuft über Mallory, die mitliest, ändert, wiederholt und Bob überflutet. " +
				"Schalten Sie Schutz zu: Signaturen machen Änderungen sichtbar, Verschlüsselung für Bobs öffentlichen Schlüssel macht den Text unlesbar, " +
				"Zertifikate einer Zertifizierungsstelle verhindern, dass Mallory sich als Bob ausgibt, und Folgenummern entlarven Wiederholungen. " +
				"Zum Schluss dasselbe über TLS 1.3.",
			EN: "Alice writes to Bob, but every message passes Mallory, who reads along, changes, replays and floods Bob. " +
				"Switch protection on: signatures make changes visible, encryption for Bob's public key makes the text unreadable, " +
				"certificates from an authority stop Mallory from posing as Bob, and sequence numbers expose replays. " +
				"At the end, the same over TLS 1.3.",
		},
		Roles: []Role{
			{Name: "alice", Does: i18n.Text{
				DE: "Schreibt Bob Briefe: im Klartext, signiert, verschlüsselt, beides, mit einem gemeinsamen Schlüssel oder über TLS; prüft Bobs Zertifikat.",
				EN: "Writes letters to Bob: in the clear, signed, encrypted, both, with a shared key or over TLS; checks Bob's certificate.",
			}},
			{Name: "mallory", Does: i18n.Text{
				DE: "Sitzt auf dem Weg zwischen beiden: liest, was sie lesen kann, ändert, verwirft, wiederholt und fälscht Briefe, zeigt ein eigenes Zertifikat und flutet Bob.",
				EN: "Sits on the path between the two: reads what she can, changes, drops, replays and forges letters, shows her own certificate and floods Bob.",
			}},
			{Name: "bob", Does: i18n.Text{
				DE: "Prüft Alices Zertifikat und jeden Brief (Signatur, Siegel, Folgenummer), legt angenommene Briefe in sein begrenztes Postfach und liest sie nacheinander.",
				EN: "Checks Alice's certificate and every letter (signature, seal, sequence number), puts accepted letters in his bounded mailbox and reads them one by one.",
			}},
			{Name: "ca", Does: i18n.Text{
				DE: "Die Zertifizierungsstelle: bestätigt mit X.509-Zertifikaten, welcher öffentliche Schlüssel zu welchem Namen gehört, und zieht Zertifikate zurück.",
				EN: "The certificate authority: vouches with X.509 certificates for which public key belongs to which name, and revokes certificates.",
			}},
		},
		Programs: []Program{
			{Node: "ca", Role: "ca", Binary: "ca", Listen: ListenAny},
			{Node: "bob", Role: "bob", Binary: "person", Listen: ListenAny, Args: ca},
			{Node: "mallory", Role: "mallory", Binary: "mallory", Listen: ListenAny, Args: []string{"--bob", "{addr:bob}"}},
			{Node: "alice", Role: "alice", Binary: "person", Listen: ListenAny,
				Args: append([]string{"--peer", "{addr:mallory}"}, ca...)},
		},
		Layout: LayoutRow,
	}
}
