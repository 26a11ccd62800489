package clientserver

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"dsdemo/models/wire"
)

// SealRequest seals msg as the server named from, listening on sender,
// would send it to the server at receiver under the group key key, so a
// test can speak to a server as a member of its group.
func SealRequest(key, from, typ, sender, receiver string, msg any) (Sealed, error) {
	return SealRequestAt(time.Now(), key, from, typ, sender, receiver, msg)
}

// SealRequestAt is SealRequest at another time than now, as a member whose
// clock is wrong would seal it, or one that kept it a while.
func SealRequestAt(issued time.Time, key, from, typ, sender, receiver string, msg any) (Sealed, error) {
	s := &server{node: wire.NewNode(from), cfg: ServerConfig{GroupKey: key}, self: sender}
	sd, err := s.seal(request, typ, receiver, rand.Text(), msg)
	sd.Issued = issued.UnixMilli()
	sd.MAC = hex.EncodeToString(s.mac(request, typ, from, &sd))
	return sd, err
}
