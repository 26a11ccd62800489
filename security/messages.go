package security

// The message types of the model. A request of type T is answered by
// T+"_ok" or by an error envelope ({"reason":"..."}) when it is malformed
// (a field too long, a certificate that is not X.509). A letter that is
// well formed but fails a check (a bad signature, a replay) is answered by
// a letter_ok whose Status is "refused", with the reason in Why.
const (
	TypeRoot   = "root"   // {} -> root_ok Cert: the CA's own certificate, the root every person trusts
	TypeIssue  = "issue"  // IssueRequest -> issue_ok Issued: a certificate for the key in a signed request (CSR)
	TypeRevoke = "revoke" // RevokeRequest -> revoke_ok Revoked: every certificate of a name is withdrawn
	TypeCRL    = "crl"    // {} -> crl_ok CRL: the signed list of revoked serial numbers
	TypeHello  = "hello"  // Hello -> hello_ok Hello: two persons exchange certificates
	TypeKey    = "key"    // SharedKey -> key_ok {}: the symmetric variant's key, sent in the clear
	TypeLetter = "letter" // Letter -> letter_ok Receipt: a message from one person to another

	TypeRootOK   = TypeRoot + "_ok"
	TypeIssueOK  = TypeIssue + "_ok"
	TypeRevokeOK = TypeRevoke + "_ok"
	TypeCRLOK    = TypeCRL + "_ok"
	TypeHelloOK  = TypeHello + "_ok"
	TypeKeyOK    = TypeKey + "_ok"
	TypeLetterOK = TypeLetter + "_ok"
)

// Messages maps each message type to the type of its body, for tools that
// check names against the protocol (the catalogue's CheckProtocol).
var Messages = map[string]any{
	TypeRoot: struct{}{}, TypeRootOK: Cert{},
	TypeIssue: IssueRequest{}, TypeIssueOK: Issued{},
	TypeRevoke: RevokeRequest{}, TypeRevokeOK: Revoked{},
	TypeCRL: struct{}{}, TypeCRLOK: CRL{},
	TypeHello: Hello{}, TypeHelloOK: Hello{},
	TypeKey: SharedKey{}, TypeKeyOK: struct{}{},
	TypeLetter: Letter{}, TypeLetterOK: Receipt{},
}

// The protections a letter travels in (Letter.Protect).
const (
	Plain         = "plain"            // the text as it is: anyone on the path reads and changes it
	Signed        = "signed"           // the text and a signature with the sender's private key
	Encrypted     = "encrypted"        // sealed for the receiver's public key (ECDH + AES-GCM)
	SignedSealed  = "signed+encrypted" // signed by the sender, then sealed for the receiver
	SharedSealed  = "shared"           // sealed with a symmetric key both sides know (sent before with key)
	protectionSet = Plain + "|" + Signed + "|" + Encrypted + "|" + SignedSealed + "|" + SharedSealed
)

// Receipt statuses and the reasons for a refusal (Receipt.Why).
const (
	StatusAccepted = "accepted"
	StatusRefused  = "refused"

	WhyBadSignature = "bad-signature"  // the signature does not fit the text and the sender's certificate
	WhyUnreadable   = "unreadable"     // the sealed text does not open with the receiver's key
	WhyReplay       = "replay"         // a sequence number seen before from this sender
	WhyUnknown      = "unknown-sender" // no certificate of the sender (no hello before)
	WhyTooWeak      = "too-weak"       // a protection the receiver does not accept (--require)
	WhyMailboxFull  = "mailbox-full"   // the receiver's mailbox is full
	WhyTooMany      = "too-many"       // the sender has its share of the mailbox already (--per-sender)
	WhyNotYou       = "not-you"        // over TLS: the letter names another sender than the certificate
)

// Cert is the body of root_ok: a certificate in DER (base64 in JSON).
type Cert struct {
	Cert []byte `json:"cert"`
}

// IssueRequest is the body of issue: a certificate signing request (DER),
// signed with the private key whose public half is to be certified. The
// signature is the proof that the asker holds that key; the key itself
// never travels.
type IssueRequest struct {
	CSR []byte `json:"csr"`
}

// Issued is the body of issue_ok: the new certificate and its serial number.
type Issued struct {
	Cert   []byte `json:"cert"`
	Serial int64  `json:"serial"`
}

// RevokeRequest is the body of revoke: the name whose certificates are withdrawn.
type RevokeRequest struct {
	Name string `json:"name"`
}

// Revoked is the body of revoke_ok: the serial numbers now on the list.
type Revoked struct {
	Serials []int64 `json:"serials"`
}

// CRL is the body of crl_ok: a certificate revocation list (DER), signed by the CA.
type CRL struct {
	CRL []byte `json:"crl"`
}

// Hello is the body of hello and hello_ok: who one is and one's certificate (DER).
type Hello struct {
	Name string `json:"name"`
	Cert []byte `json:"cert"`
}

// SharedKey is the body of key: a 32-byte AES key for the letters in
// protection "shared". It travels in the clear: that is the problem.
type SharedKey struct {
	From string `json:"from"`
	Key  []byte `json:"key"`
}

// Letter is one message from a person to another. From, To, Seq and
// Protect are the header, always readable; what else is set depends on
// Protect:
//
//	plain             text
//	signed            text, sig
//	encrypted         eph, nonce, sealed   (sealed holds {text})
//	signed+encrypted  eph, nonce, sealed   (sealed holds {text, sig})
//	shared            nonce, sealed        (sealed holds {text})
//
// Sig is the sender's ECDSA signature over From, To, Seq and Text
// (SignedBytes). Eph is the sender's one-time ECDH public key; with the
// receiver's key from its certificate it gives the AES-GCM key. The
// header is the additional data of the AES-GCM seal, so it cannot be
// changed without the seal failing.
type Letter struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Seq     uint64 `json:"seq"`
	Protect string `json:"protect"`
	Text    string `json:"text,omitempty"`
	Sig     []byte `json:"sig,omitempty"`
	Eph     []byte `json:"eph,omitempty"`
	Nonce   []byte `json:"nonce,omitempty"`
	Sealed  []byte `json:"sealed,omitempty"`
}

// Receipt is the body of letter_ok: whether the receiver took the letter
// into its mailbox, and if not, why (a Why constant and a sentence).
type Receipt struct {
	Seq    uint64 `json:"seq"`
	Status string `json:"status"`
	Why    string `json:"why,omitempty"`
	Reason string `json:"reason,omitempty"`
}
