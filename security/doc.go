// Package security is Alice, Bob and Mallory: two persons who write
// letters to each other, a certificate authority both trust, and a man in
// the middle on the path between them. Every protection can be switched
// on and off, so each attack can be watched succeeding, and then failing.
//
// # The picture
//
// Alice and Bob were both given Mallory's address as the other's, so
// every message passes through her. The CA is reached directly.
//
//	                    +------+
//	      issue, crl    |  ca  |   issue, crl
//	     +------------->| root |<-------------+
//	     |              +------+              |
//	+---------+  hello, letter  +---------+  hello, letter  +-------+
//	|  alice  | --------------> | mallory | --------------> |  bob  |
//	|         | <-------------- | reads,  | <-------------- |mailbox|
//	+---------+   hello_ok,     | changes,|   hello_ok,     +-------+
//	              letter_ok     | replays |   letter_ok
//	                            +---------+
//
// The four goals and what gives each:
//
//   - Confidentiality (only Bob reads it): encryption. A letter
//     "encrypted" is sealed for the public key in Bob's certificate: a
//     one-time ECDH key pair, its shared secret with Bob's key, HKDF to an
//     AES-256 key, AES-GCM (hybrid encryption: the slow public-key step
//     only agrees a key, the fast symmetric cipher carries the text).
//   - Integrity (nobody changed it) and authenticity (Alice wrote it): a
//     signature with Alice's private key over sender, receiver, sequence
//     number and text, checked with the public key in Alice's
//     certificate. "signed+encrypted" signs first, then seals.
//   - Freshness: the sequence number is under the signature (or the
//     seal), and Bob refuses a number he has seen: a replay.
//   - Availability: Bob's mailbox holds --mailbox letters, at most
//     --per-sender of them from one sender, so a flood from Mallory takes
//     her share and no more, and Alice still gets in.
//
// A certificate binds a name to a public key, signed by the CA. A person
// checks the other's certificate against the CA's root (chain, name) and
// the CA's revocation list; with --no-verify it checks nothing, and
// Mallory's own certificate in Bob's name is taken. The symmetric variant
// ("shared") first sends a fresh AES key to Bob with a key message, in
// the clear: Mallory copies it and reads everything after. --tls is the
// answer used in practice: TLS 1.3, both sides showing CA certificates;
// Mallory passes on records she cannot read and cannot answer in Bob's
// name.
//
// Private keys never leave their process: a person proves to the CA that
// it holds its key by signing its certificate request (CSR) with it.
//
// # The messages
//
// Every message is a models/wire envelope; the bodies are in messages.go.
//
//	type    body                                       reply                           sent by
//	root    {}                                         root_ok {cert}                  a person, to the CA
//	issue   {csr}                                      issue_ok {cert,serial}          a person, to the CA
//	revoke  {name}                                     revoke_ok {serials}             anyone, to the CA
//	crl     {}                                         crl_ok {crl}                    a person, to the CA
//	hello   {name,cert}                                hello_ok {name,cert}            alice, to bob (via mallory)
//	key     {from,key}                                 key_ok {}                       alice, with protect shared
//	letter  {from,to,seq,protect,text,sig,eph,nonce,sealed}  letter_ok {seq,status,why,reason}  alice (or mallory)
//
// A malformed message (a certificate that is not X.509, a nonce of the
// wrong size, a field too long) gets an error reply that says what is
// wrong. A well-formed letter that fails a check gets letter_ok with
// status "refused" and why: bad-signature, unreadable, replay,
// unknown-sender, too-weak, mailbox-full, too-many or not-you.
//
// What the programs show the live view: alice and bob "certificate of
// NAME" (trusted, refused, unchecked), "refused" and "read" (the last
// letter refused and read), a "mailbox" gauge; mallory "read" (what she
// could read of the last letter), "letters read", "stolen key", "armed",
// "posing as bob", "tls bytes" and "flood".
//
// # Where to read
//
// crypto.go holds every cryptographic step and every decoder with its
// bounds; ca.go the CA; person.go a person as receiver, sender.go as
// sender; mallory.go the man in the middle; listen.go how a person and
// Mallory accept connections, TLS or not.
//
// # Try it
//
// Each in its own terminal (make build puts them in bin/):
//
//	bin/ca                                        # listening on 127.0.0.1:7900
//	bin/person --name bob --listen 127.0.0.1:7903
//	bin/mallory --bob 127.0.0.1:7903              # listening on 127.0.0.1:7902
//	bin/person --name alice --listen 127.0.0.1:7904 --peer 127.0.0.1:7902
//
// Then type at alice: "send hello" (mallory logs what she read), "protect
// signed", type "change hi" at mallory and "send hello" at alice again
// (bob refuses: bad-signature), "protect encrypted" (mallory reads
// nothing), "pose on" at mallory and "hello" at alice (refused; start
// alice with --no-verify to see it taken), "replay" at mallory, "protect
// shared", "flood 3s" at mallory while alice sends. With "tls on" at
// alice (or --tls) mallory sees only TLS records. Each switch is also a
// command, so the launcher's experiments need no restart: at a person
// "verify on|off" (--no-verify), "tls on|off", "require MODE|any"; at bob
// "limit N" (--per-sender) and "work D" (--work).
//
// # Teacher notes
//
// What to point at:
//   - Mallory's "read" in the inspector after each protection: the text,
//     then still the text (signed is not secret), then nothing.
//   - A signature does not stop Mallory from changing the letter; it lets
//     Bob notice. Encryption alone does not stop her from writing a new
//     letter in Alice's name for Bob's public key (inject): it gives
//     confidentiality, not authenticity.
//   - drop: Mallory keeps a letter and answers Alice with a receipt of
//     her own. Receipts are not signed here, so no protection of the
//     letter helps Alice notice; only a signed answer from Bob would.
//   - The certificate check is what stops the man in the middle: without
//     it, Alice encrypts for Mallory's key and Mallory reads, re-seals
//     and passes on, and neither person notices anything.
//
// The usual wrong answers:
//   - "Encrypted means nobody can change it." Mallory cannot change it
//     unnoticed here only because AES-GCM authenticates; she can replace
//     it by her own letter.
//   - "Signed means secret." The text of a signed letter is in the clear.
//   - "A replayed letter has a valid signature, so it is fine." It is
//     Alice's, but old: only the sequence number shows it.
package security
