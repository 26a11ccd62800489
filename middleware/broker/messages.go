package broker

import "fmt"

// The message types of the broker. A request of type T is answered by
// T+"_ok" or by an error envelope ({"reason":"..."}). Two messages are not
// requests: deliver, which the broker sends by itself to a push consumer
// (the consumer answers it, when its acknowledgement mode asks for one,
// with an ack request of its own), and publish, a send that the broker
// does not answer when all goes well.
const (
	TypeSend        = "send"          // SendRequest -> send_ok SendResult: a producer hands over a message
	TypePublish     = "publish"       // SendRequest, no reply (persistent: publish_ok SendResult); refused: an error line with PublishError
	TypeSubscribe   = "subscribe"     // SubscribeRequest -> subscribe_ok SubscribeResult: a consumer attaches to a destination
	TypeDeliver     = "deliver"       // Delivery, from the broker to a push consumer; no reply
	TypeDeliverMany = "deliver_batch" // DeliverBatch, to a push consumer that asked for batches; no reply
	TypePull        = "pull"          // PullRequest -> pull_ok PullResult: a pull consumer asks for messages
	TypeAck         = "ack"           // AckRequest -> ack_ok AckResult: the consumer is done with messages
	TypeNack        = "nack"          // NackRequest -> nack_ok NackResult: the consumer gives a message back
	TypeUnsubscribe = "unsubscribe"   // UnsubscribeRequest -> unsubscribe_ok {}
	TypeStatus      = "status"        // {} -> status_ok Status: the destinations and their depth

	TypeSendOK        = TypeSend + "_ok"
	TypePublishOK     = TypePublish + "_ok"
	TypeSubscribeOK   = TypeSubscribe + "_ok"
	TypePullOK        = TypePull + "_ok"
	TypeAckOK         = TypeAck + "_ok"
	TypeNackOK        = TypeNack + "_ok"
	TypeUnsubscribeOK = TypeUnsubscribe + "_ok"
	TypeStatusOK      = TypeStatus + "_ok"
)

// Messages maps each message type to the type of its body, for tools that
// check names against the protocol (the catalogue's CheckProtocol).
var Messages = map[string]any{
	TypeSend: SendRequest{}, TypeSendOK: SendResult{},
	TypePublish: SendRequest{}, TypePublishOK: SendResult{},
	TypeSubscribe: SubscribeRequest{}, TypeSubscribeOK: SubscribeResult{},
	TypeDeliver: Delivery{}, TypeDeliverMany: DeliverBatch{},
	TypePull: PullRequest{}, TypePullOK: PullResult{},
	TypeAck: AckRequest{}, TypeAckOK: AckResult{},
	TypeNack: NackRequest{}, TypeNackOK: NackResult{},
	TypeUnsubscribe: UnsubscribeRequest{}, TypeUnsubscribeOK: struct{}{},
	TypeStatus: struct{}{}, TypeStatusOK: Status{},
}

// The ways a consumer takes messages (SubscribeRequest.Mode).
const (
	Push = "push" // the broker sends deliver messages, up to Window unacknowledged
	Pull = "pull" // the consumer asks with pull and waits at most WaitMS
)

// The acknowledgement modes (SubscribeRequest.Ack), as JMS names them.
const (
	AckAuto     = "auto"     // the broker forgets a message once it has handed it over: at most once
	AckExplicit = "explicit" // each message is acknowledged by its own id: at least once
	AckClient   = "client"   // acknowledging a message acknowledges every earlier one of the subscription too (JMS CLIENT_ACKNOWLEDGE)
)

// SendRequest is the body of send. Dest is "queue:NAME" or "topic:NAME".
// A persistent message is on disk before send_ok is sent; another one
// lives in the broker's memory only.
type SendRequest struct {
	Dest       string `json:"dest"`
	Text       string `json:"text"`
	Persistent bool   `json:"persistent,omitempty"`
}

// SendResult is the body of send_ok: the id the broker gave the message,
// and how many copies it keeps: 1 for a queue, one per subscription for a
// topic (0 when nobody subscribes: the message is gone).
type SendResult struct {
	Msg    uint64 `json:"msg"`
	Copies int    `json:"copies"`
}

// PublishError is the body of the error line the broker sends when it
// refuses a publish (an unknown or malformed destination, a full queue, a
// text too long): reply_to is 0, as the producer waits for no reply, and
// Publish is the id of the publish envelope it refuses.
type PublishError struct {
	Reason  string `json:"reason"`
	Publish uint64 `json:"publish"`
	Dest    string `json:"dest"`
}

func (e PublishError) Error() string {
	return fmt.Sprintf("publish %d to %s refused: %s", e.Publish, e.Dest, e.Reason)
}

// SubscribeRequest is the body of subscribe. Mode is push or pull, Ack
// auto, explicit or client; empty fields take the defaults (push,
// explicit). Window is how many unacknowledged messages a push consumer
// holds at most (how many a pull returns at most); 0 means
// DefaultWindow. Durable names a durable subscription of a topic: it
// keeps the messages sent while its consumer is away. AckTimeoutMS is how
// long the consumer has to acknowledge a message before the broker gives
// it to another consumer; 0 takes the broker's --ack-timeout. Batch, for
// push, lets the broker put up to Batch messages that are ready at once
// into one deliver_batch message instead of one deliver each (0 or 1:
// one deliver per message).
type SubscribeRequest struct {
	Dest         string `json:"dest"`
	Mode         string `json:"mode,omitempty"`
	Ack          string `json:"ack,omitempty"`
	Window       int    `json:"window,omitempty"`
	Durable      string `json:"durable,omitempty"`
	AckTimeoutMS int64  `json:"ack_timeout_ms,omitempty"`
	Batch        int    `json:"batch,omitempty"`
}

// SubscribeResult is the body of subscribe_ok: the subscription's number
// on this connection, used by pull, ack, nack and unsubscribe.
type SubscribeResult struct {
	Sub    uint64 `json:"sub"`
	Dest   string `json:"dest"`
	Mode   string `json:"mode"`
	Ack    string `json:"ack"`
	Window int    `json:"window"`
}

// Delivery is one message handed to a consumer: the body of deliver, and
// an element of pull_ok. Redelivered says that the broker may have handed
// it over before (a consumer died or was too slow, or the broker
// restarted); Count is the number of this delivery, 1 for the first.
type Delivery struct {
	Sub         uint64 `json:"sub"`
	Msg         uint64 `json:"msg"`
	Dest        string `json:"dest"`
	Text        string `json:"text"`
	Persistent  bool   `json:"persistent,omitempty"`
	Redelivered bool   `json:"redelivered,omitempty"`
	Count       int    `json:"count"`
}

// DeliverBatch is the body of deliver_batch: messages pushed together to
// a consumer that subscribed with a batch, in the order deliver messages
// would have brought them.
type DeliverBatch struct {
	Messages []Delivery `json:"messages"`
}

// PullRequest is the body of pull: at most Max messages (0: the
// subscription's window), waiting at most WaitMS for the first one when
// none is there (0: answer at once).
type PullRequest struct {
	Sub    uint64 `json:"sub"`
	Max    int    `json:"max,omitempty"`
	WaitMS int64  `json:"wait_ms,omitempty"`
}

// PullResult is the body of pull_ok; Messages is empty when the wait
// passed with nothing to deliver.
type PullResult struct {
	Messages []Delivery `json:"messages"`
}

// AckRequest is the body of ack: the message Msg, or the messages Msgs,
// of subscription Sub. In client mode it also acknowledges every message
// the subscription received before Msg.
type AckRequest struct {
	Sub  uint64   `json:"sub"`
	Msg  uint64   `json:"msg,omitempty"`
	Msgs []uint64 `json:"msgs,omitempty"`
}

// AckResult is the body of ack_ok: every message the ack took, in the
// order they were delivered. In client mode this may be more than asked.
type AckResult struct {
	Acked []uint64 `json:"acked"`
}

// NackRequest is the body of nack: the consumer could not process
// message Msg and gives it back for another delivery.
type NackRequest struct {
	Sub uint64 `json:"sub"`
	Msg uint64 `json:"msg"`
}

// NackResult is the body of nack_ok: whether the message went back to
// its queue, or, after --max-deliveries deliveries, to the dead-letter
// queue DeadLetter.
type NackResult struct {
	DeadLetter string `json:"dead_letter,omitempty"`
}

// UnsubscribeRequest is the body of unsubscribe. Its unacknowledged
// messages go back to the destination. Forget also ends a durable
// subscription, with the messages it kept.
type UnsubscribeRequest struct {
	Sub    uint64 `json:"sub"`
	Forget bool   `json:"forget,omitempty"`
}

// Status is the body of status_ok: every destination, with each topic's
// subscriptions listed as destinations of their own ("topic:news#audit").
type Status struct {
	Destinations []DestinationStatus `json:"destinations"`
}

// DestinationStatus is one queue, or one subscription of a topic.
type DestinationStatus struct {
	Name         string `json:"name"`
	Ready        int    `json:"ready"`   // waiting for a consumer
	Unacked      int    `json:"unacked"` // handed over, not yet acknowledged
	Bytes        int64  `json:"bytes"`   // of the texts held
	Consumers    int    `json:"consumers"`
	Redelivered  int64  `json:"redelivered"`   // deliveries marked redelivered so far
	DeadLettered int64  `json:"dead_lettered"` // messages moved to the dead-letter queue so far
}
