package clientserver

import (
	"crypto/rand"

	"dsdemo/models/wire"
)

// SealRequest seals msg as the server named from, listening on sender,
// would send it to the server at receiver under the group key key, so a
// test can speak to a server as a member of its group.
func SealRequest(key, from, typ, sender, receiver string, msg any) (Sealed, error) {
	s := &Server{node: wire.NewNode(from), cfg: Config{GroupKey: key}, self: sender}
	return s.seal(request, typ, receiver, rand.Text(), msg)
}
