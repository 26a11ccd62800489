package clientserver

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"time"

	"dsdemo/models/wire"
)

// This file is how the servers of a group tell each other from clients.
// Anyone may connect to a server, so a message that only a server of the
// group may send (replicate, sync, catch_up, and a get, put or del that a
// server forwards to the key's owner) carries a message authentication
// code: HMAC-SHA256 under the group key, a secret every server of the
// group is given (--group-key) and no client knows. A server checks it
// before it acts on the message, and seals its reply the same way, so the
// server that asked can trust what the reply says (a newer version, the
// entries of a sync page, the owner's value).
//
//	server-1                                         server-2
//	   | replicate {"msg":{"key":"a",...},                |
//	   |   "sender":"127.0.0.1:7101","receiver":"127.0.0.1:7102",
//	   |   "nonce":"N","issued":T,"mac":HMAC(key, request|replicate|server-1|...|msg)}
//	   | -----------------------------------------------> | checks the MAC, then applies
//	   | <----------------------------------------------- |
//	   |   replicate_ok {"msg":{},"sender":"127.0.0.1:7102","receiver":"127.0.0.1:7101",
//	   |   "nonce":"N","issued":T2,"mac":HMAC(key, reply|replicate_ok|server-2|...)}
//
// What the MAC covers, and what an attacker who can read and resend the
// messages could try:
//
//   - the direction and the type: a request cannot pass for a reply, nor a
//     sync for a catch_up;
//   - the sender's node name and address, and the receiver's address: a
//     message sealed for server-2 is refused by server-3, and one cannot be
//     reflected back to its sender;
//   - the nonce: random in each request, and repeated in its reply, so a
//     reply can only answer the request it was made for (the wire's own id
//     starts again at 1 when a server restarts, the nonce does not);
//   - the time it was sealed (issued), so a request cannot be kept and
//     sent again much later;
//   - the body, byte for byte.
//
// The envelope's id and clock are stamped by the wire as it sends, after
// the seal is made, so they are not in it: the id only pairs a reply with
// its request (the nonce does that here, and better), and the clock only
// moves the receiver's Lamport clock, which any client may do within the
// wire's bound. No decision rests on them alone.
//
// A message sent again later is still genuine, and the MAC alone cannot
// tell. What a replay does depends on the message:
//
//   - a forwarded put or del gets a fresh version from the owner's clock,
//     so sent again it would overwrite every newer write of its key. The
//     owner takes each forwarded request once: replay.go refuses a nonce
//     it has seen, and a request sealed too long ago or before the server
//     started (it cannot know what it took before);
//   - a replicate carries its version, and an old write never wins over a
//     newer one (nor over the tombstone of a later delete): sent again, it
//     changes nothing;
//   - a sync sent again reads a page that the replicate messages carried in
//     the clear anyway; a catch_up sent again makes a replica copy its
//     peers once more, and clients go to the next server meanwhile.
//
// Someone who can capture and resend messages can also delay or drop them:
// for these three, what replay adds is no more than that.
//
// The key only authenticates; it does not encrypt. Anyone who can watch the
// network reads every key and value, as with every other message here.

// GroupKeyEnv is the environment variable that gives the group key when
// --group-key is not set.
const GroupKeyEnv = "DSDEMO_GROUP_KEY"

// sealed reports whether the body claims to be sealed at all.
func (sd *Sealed) sealed() bool { return sd.Msg != nil || sd.MAC != "" }

// The directions a message can go in.
const (
	request = "request"
	reply   = "reply"
)

// errNotMember is the refusal of a message without a valid MAC.
var errNotMember = errors.New("not from a member of the group: no valid MAC under the group key (--group-key)")

// errBadReply is what ask returns for a reply that is not sealed for the
// request it answers: a server of the group never sends one.
var errBadReply = errors.New("no valid seal for this request")

// mac computes the MAC of a message of type typ, going in direction dir,
// sent by the node named from. Each field goes in as its length and its
// bytes, so no two different messages give the same input.
func (s *server) mac(dir, typ, from string, sd *Sealed) []byte {
	h := hmac.New(sha256.New, []byte(s.cfg.GroupKey))
	issued := strconv.FormatInt(sd.Issued, 10)
	for _, field := range []string{dir, typ, from, sd.Sender, sd.Receiver, sd.Nonce, issued, string(sd.Msg)} {
		writeField(h, field)
	}
	return h.Sum(nil)
}

func writeField(h hash.Hash, field string) {
	h.Write(strconv.AppendInt(nil, int64(len(field)), 10))
	h.Write([]byte{':'})
	h.Write([]byte(field))
}

// seal puts msg, of type typ and going in direction dir to the server at
// receiver, in a Sealed body.
func (s *server) seal(dir, typ, receiver, nonce string, msg any) (Sealed, error) {
	raw, err := json.Marshal(msg)
	if err != nil {
		return Sealed{}, fmt.Errorf("encode %s: %w", typ, err)
	}
	sd := Sealed{Msg: raw, Sender: s.self, Receiver: receiver, Nonce: nonce, Issued: time.Now().UnixMilli()}
	sd.MAC = hex.EncodeToString(s.mac(dir, typ, s.node.Name, &sd))
	return sd, nil
}

// open checks that sd, the body of env going in direction dir, was sealed
// by a member of the group for this server, and decodes its Msg into msg.
func (s *server) open(env wire.Envelope, dir string, sd *Sealed, msg any) error {
	got, err := hex.DecodeString(sd.MAC)
	if s.cfg.GroupKey == "" || err != nil || !hmac.Equal(got, s.mac(dir, env.Type, env.From, sd)) {
		return fmt.Errorf("%s refused: %w", env.Type, errNotMember)
	}
	if sd.Receiver != s.self {
		return fmt.Errorf("%s refused: it was sealed for %s, not for this server (%s)", env.Type, sd.Receiver, s.self)
	}
	if err := json.Unmarshal(sd.Msg, msg); err != nil {
		return fmt.Errorf("%s: %w", env.Type, err)
	}
	return nil
}

// openRequest decodes the body of req, a message only a member may send,
// checks its seal and decodes its Msg into msg. It returns the seal, whose
// sender and nonce the reply needs.
func (s *server) openRequest(req wire.Envelope, msg any) (Sealed, error) {
	var sd Sealed
	if err := req.UnmarshalBody(&sd); err != nil {
		return sd, fmt.Errorf("%s refused: %w", req.Type, errNotMember)
	}
	return sd, s.open(req, request, &sd, msg)
}

// sealReply seals res, the answer to the request req sealed as sd.
func (s *server) sealReply(req wire.Envelope, sd Sealed, res any) (any, error) {
	return s.seal(reply, req.Type+"_ok", sd.Sender, sd.Nonce, res)
}

// ask sends msg, sealed, to the peer p as a message of type typ, and
// decodes the sealed reply into answer. It returns the reply's envelope.
// An error reply comes back as a *wire.RemoteError, and a reply without a
// valid seal for this very request as an error wrapping errBadReply.
func (s *server) ask(ctx context.Context, p *peer, typ string, msg, answer any) (wire.Envelope, error) {
	nonce := rand.Text()
	sd, err := s.seal(request, typ, p.addr, nonce, msg)
	if err != nil {
		return wire.Envelope{}, err
	}
	env, err := p.pool.Call(ctx, "", typ, sd)
	if err != nil {
		return env, err
	}
	var got Sealed
	err = env.UnmarshalBody(&got)
	if err == nil {
		err = s.open(env, reply, &got, answer)
	}
	if err == nil && (got.Sender != p.addr || got.Nonce != nonce) {
		err = fmt.Errorf("sealed by %s for another request", got.Sender)
	}
	if err != nil {
		return env, fmt.Errorf("%s's answer to %s: %w (%w)", p.addr, typ, errBadReply, err)
	}
	s.learn(p, env.From)
	return env, nil
}
