package broker

import (
	"encoding/json"
	"math"

	"dsdemo/models/wire"
)

// The bodies the broker and its clients read for every message, publish
// and deliver, are read here without encoding/json's reflection, which
// cost a busy broker a third of its time. Each reader takes exactly the
// layout this package writes (appendDelivery, Client.Publish) and hands
// anything else, such as a body an outside client spaced or ordered its
// own way, to json.Unmarshal: both give the same result. The reader is
// the wire's LayoutReader, which the rpc bodies use too.

// decodeDelivery reads the body of a deliver message.
func decodeDelivery(body []byte, d *Delivery) error {
	if readDelivery(body, d) {
		return nil
	}
	*d = Delivery{}
	return json.Unmarshal(body, d)
}

// readDelivery reads what appendDelivery writes; false for anything else.
func readDelivery(body []byte, d *Delivery) bool {
	r := wire.NewLayoutReader(body)
	var count uint64
	ok := r.Literal(`{"sub":`) && r.Uint(&d.Sub) &&
		r.Literal(`,"msg":`) && r.Uint(&d.Msg) &&
		r.Literal(`,"dest":`) && r.Text(&d.Dest) &&
		r.Literal(`,"text":`) && r.Text(&d.Text)
	d.Persistent = ok && r.Literal(`,"persistent":true`)
	d.Redelivered = ok && r.Literal(`,"redelivered":true`)
	if !ok || !r.Literal(`,"count":`) || !r.Uint(&count) || count > math.MaxInt32 || !r.Literal("}") || !r.AtEnd() {
		return false
	}
	d.Count = int(count)
	return true
}

// readSendRequest reads what Client.Publish and json.Marshal write into
// the body of a send or publish; false for anything else.
func readSendRequest(body []byte, s *SendRequest) bool {
	r := wire.NewLayoutReader(body)
	if !r.Literal(`{"dest":`) || !r.Text(&s.Dest) || !r.Literal(`,"text":`) || !r.Text(&s.Text) {
		return false
	}
	s.Persistent = r.Literal(`,"persistent":true`)
	return r.Literal("}") && r.AtEnd()
}
