// Package broker is message-oriented middleware: a broker that takes
// messages from producers, keeps them in queues and topics, and hands them
// to consumers, pushed or pulled, with acknowledgements, a log on disk and
// dead-letter queues.
//
// # The picture
//
// A remote call makes the caller wait for the callee. Messaging does not:
// the producer hands its message to the broker and goes on; the broker
// keeps it until a consumer takes it, even when no consumer runs at the
// moment. Sender and receiver are decoupled in time and do not know each
// other, only the name of a destination.
//
//	producer-1 --send--> +----------------------------+ --deliver (push)--> consumer-1
//	producer-2 --send--> | broker                     | <--ack------------
//	                     |  queue:orders  [#9 #8 #7]  |
//	                     |  topic:news    one buffer  | <--pull (wait)----- consumer-2
//	                     |   per subscription         | --pull_ok [#7]---->
//	                     |  messages.log on disk      | <--ack------------
//	                     +----------------------------+
//
// Two kinds of destination:
//
//   - A queue (point to point): each message goes to exactly one consumer.
//     Several consumers of one queue compete, and share the load in turns.
//   - A topic (publish/subscribe): each subscription gets its own copy. A
//     message sent while nobody subscribes is gone (send_ok says "copies":0).
//     A durable subscription (a name) keeps the messages sent while its
//     consumer is away; any other subscription ends with its consumer.
//
// Destinations are created on first use: "queue:NAME" or "topic:NAME",
// names of letters, digits, '.', '-' and '_', at most MaxName bytes.
//
// Two ways to take messages, visibly different on the wire:
//
//   - push: the broker sends a deliver message as soon as one is there, up
//     to the consumer's window of unacknowledged messages. Per message:
//     deliver, ack, ack_ok.
//   - pull: the consumer asks with pull (at most max messages, waiting at
//     most wait_ms for the first) and gets a pull_ok with what is there,
//     empty after the wait. Per message: pull, pull_ok, ack, ack_ok, and
//     the empty pulls on top.
//
// Three acknowledgement modes, as JMS names them:
//
//   - auto: the broker forgets a message when it hands it over. A consumer
//     that dies while working loses it: at most once.
//   - explicit: the consumer acknowledges each message by its id. A message
//     not acknowledged goes back to the queue when its consumer's
//     connection closes or its ack deadline passes, marked "redelivered",
//     with its delivery count: at least once. A consumer that cannot
//     process a message gives it back with nack. After --max-deliveries
//     deliveries it goes to the dead-letter queue NAME.dlq (for a topic's
//     subscriptions: queue:TOPIC.dlq), so a poison message does not go
//     round for ever.
//   - client: acknowledging one message acknowledges every message the
//     subscription received before it (JMS CLIENT_ACKNOWLEDGE). The pitfall:
//     a consumer that skips a message it failed on and acknowledges the
//     next one has acknowledged the failed one too, and it is lost.
//
// Two ways to hand over a message:
//
//   - send: the broker answers send_ok once the message is in its hands
//     (for a persistent one: on disk), or an error. The producer knows.
//   - publish: the sender goes on. The broker sends nothing back when it
//     takes the message, so a producer can publish as fast as the line
//     carries, without a round trip per message. The price: a
//     non-persistent message is delivered at most once, and the producer
//     does not learn that it arrived. It does learn that it did not: a
//     publish the broker refuses (an unknown or malformed destination, a
//     full queue, a text too long) comes back later as an error line with
//     reply_to 0 whose body names the publish's id ({"reason", "publish",
//     "dest"}). A persistent message always gets a receipt, also when
//     published: publish_ok, once it is on disk.
//
// Durability: a persistent message is a line in the log (journal.go) and
// fsynced before its send_ok, so it survives a SIGKILL of the broker and a
// power cut; the writer puts every send that waits into one fsync (group
// commit). A non-persistent message lives in memory and dies with the
// broker. Acknowledgements are logged too, so an acknowledged message does
// not come back. After a restart the broker cannot tell which of its
// messages it had handed over before it died, so it marks them all
// redelivered: the mark means "maybe seen before", and a consumer that
// must not act twice checks for it (idempotence). Messages of one
// producer keep their order within each delivery mode; a non-persistent
// message may overtake a persistent one that waits for the disk, as JMS
// allows.
//
// Bounds: a queue or subscription holds at most --max-depth messages and
// --max-bytes of text, all of them together --max-memory; a send that
// does not fit is refused with an error reply that names the limit, or
// waits up to --block-timeout for room (--when-full block). A message's
// text is at most MaxText bytes; a connection has at most MaxSubsPerConn
// subscriptions and the broker MaxConns connections and MaxDestinations
// destinations; windows are at most MaxWindow and pull waits MaxWait.
// The ack deadlines, a pull's wait and a blocked send's wait count
// protocol time (wire.ProtocolClock, wire.Node.WithTimeout): slow motion stretches
// them and step mode stops them.
//
// # The messages
//
// Every message is a models/wire envelope, one JSON object per line; a
// request of type T is answered by T_ok or by an error envelope
// ({"reason":"..."}). The bodies are in messages.go.
//
//	type         body                                              reply                            sent by
//	send         {dest,text,persistent}                            send_ok {msg,copies}             a producer
//	publish      {dest,text}                                       none; refused: error {reason,publish,dest}, reply_to 0   a producer
//	publish      {dest,text,persistent:true}                       publish_ok {msg,copies}          a producer
//	subscribe    {dest,mode,ack,window,durable,ack_timeout_ms,batch}  subscribe_ok {sub,dest,mode,ack,window}  a consumer
//	deliver      {sub,msg,dest,text,persistent,redelivered,count}  none (the consumer acks)         the broker, to a push consumer
//	deliver_batch {messages:[Delivery]}                            none (the consumer acks)         the broker, to a push consumer with batch
//	pull         {sub,max,wait_ms}                                 pull_ok {messages:[Delivery]}    a pull consumer
//	ack          {sub,msg} or {sub,msgs:[...]}                     ack_ok {acked:[...]}             a consumer (not with auto)
//	nack         {sub,msg}                                         nack_ok {dead_letter}            a consumer (not with auto)
//	unsubscribe  {sub,forget}                                      unsubscribe_ok {}                a consumer
//	status       {}                                                status_ok {destinations:[...]}   anyone
//
// msg is the broker's id of a message, the same in every copy and every
// delivery of it, and never given twice, not even across restarts. sub is
// the subscription's number on its connection. count is the number of
// the delivery, 1 for the first; redelivered says the message may have
// been delivered before.
//
// # Protocol
//
// For a program in another language (examples/produce_consume.py does it
// with the standard library only):
//
//   - Connect over TCP and write one JSON object per line: "from" (your
//     name), "type", "id" (a number from 1 up, new for each request),
//     "body". "to", "reply_to" and "clock" may be left out.
//   - Read lines: a line whose "reply_to" is your request's id is its
//     answer (type T_ok or error). Lines with "reply_to":0 are deliver
//     (and deliver_batch) messages of your push subscriptions, refusals
//     of your publishes (type error, the publish's id in the body's
//     "publish"), or error lines about a line you sent that was not an
//     envelope.
//   - A publish has no answer: do not wait for one. To be sure every
//     publish so far was taken, make any request (status) and wait for
//     its answer: the broker handles a connection's lines in order, so a
//     refusal of an earlier publish comes before it.
//   - A push consumer that subscribes with "batch":N may get up to N
//     messages in one deliver_batch, fewer lines for the same messages;
//     each element is a deliver body, acknowledged as usual.
//   - Subscriptions belong to the connection: when it closes, every message
//     it had not acknowledged goes back to its queue, and a subscription
//     of a topic that is not durable ends.
//   - Ack each message (explicit) or the last of a run (client) within
//     its ack deadline (--ack-timeout, default 10s, or ack_timeout_ms);
//     a late ack is refused ("not held"): the message went to another
//     delivery, which will come to you or another consumer.
//
// What the broker shows the live view (report.go): "depth DEST", a gauge of
// the messages a queue or subscription holds; "redelivered DEST" and
// "dead-lettered DEST", counts; "unacked CONSUMER", a timer of the ack
// deadline of the consumer's oldest unacknowledged message.
//
// # Where to read
//
// broker.go is the broker role (RunBroker, connections, requests),
// flush.go the connection's writer that sends many lines in one write,
// send.go how a message comes in, delivery.go how it goes out (push,
// pull, ack, nack, redelivery, dead letters), destination.go queues and
// topics, journal.go the log, clock.go the ack deadlines in protocol time,
// report.go the live view's state. client.go is the protocol as Go calls,
// producer.go and consumer.go the two client programs.
//
// # Try it
//
// Build the programs (make build puts them in bin/), then each in its own
// terminal:
//
//	bin/broker                                   # listening on 127.0.0.1:7700
//	bin/producer send hello                      # sent #1 to queue:orders (non-persistent): hello
//	bin/producer --persistent --every 1s send order
//	bin/producer --publish send quick            # published 2 to queue:orders (no receipt): quick
//	                                             # a refused one prints "publish N to DEST refused: ..."
//	bin/consumer                                 # push, explicit acks: one line per message
//	bin/consumer --pull --wait 2s                # pull: "pulled nothing within 2s" when empty
//	bin/consumer --from topic:news --durable audit
//	bin/producer --to topic:news send breaking   # every subscriber gets a copy
//	bin/consumer --fail-every 3                  # crashes on every 3rd message: watch the redelivery
//	bin/producer send "a poison message"         # rejected again and again, then in queue:orders.dlq
//	bin/consumer --ack client --ack-every 3      # the client-acknowledge pitfall with a poison message
//	bin/producer                                 # a session: send, burst, to, persistent, status
//
// The broker reads JSON lines, so nc speaks to it too (-q1 keeps the line
// open a moment for the answer):
//
//	echo '{"from":"me","type":"send","id":1,"body":{"dest":"queue:orders","text":"hi"}}' | nc -q1 127.0.0.1 7700
//	echo '{"from":"me","type":"publish","id":1,"body":{"dest":"queue:orders","text":"no receipt"}}' | nc -q1 127.0.0.1 7700
//	echo '{"from":"me","type":"status","id":1}' | nc -q1 127.0.0.1 7700
//	(echo '{"from":"me","type":"subscribe","id":1,"body":{"dest":"queue:orders","mode":"pull"}}';
//	 echo '{"from":"me","type":"pull","id":2,"body":{"sub":1,"wait_ms":1000}}'; sleep 2) | nc 127.0.0.1 7700
//
// The last one pulls and closes without an ack: the message goes back to
// the queue, and the next consumer sees it REDELIVERED. Kill the broker
// with kill -9 and start it again: the persistent messages are back.
//
// # Teacher notes
//
// What to point at:
//   - The producer's send_ok comes from the broker, not from a consumer:
//     with no consumer running the producer goes on all the same, and the
//     depth gauge fills. Start a consumer and it drains.
//   - Push vs pull: count the arrows per message. Push needs deliver, ack,
//     ack_ok; pull needs pull, pull_ok, ack, ack_ok, and an empty pull
//     every wait when nothing comes.
//   - Kill a consumer holding messages: they come back marked REDELIVERED
//     with delivery 2, to another consumer. Anything it did before it died
//     may happen twice: consumers must be idempotent.
//   - send against publish: send_ok is a round trip per message; publish
//     has none, which is why it is many times faster (BENCHMARKS.md), and
//     why the producer learns only of failures.
//   - Kill the broker: persistent messages come back, non-persistent ones
//     do not; the price of persistence is an fsync per send_ok (shared by
//     concurrent sends: group commit).
//
// The usual wrong answers:
//   - "Exactly once is what the broker gives." It gives at most once (auto)
//     or at least once (explicit); exactly once needs an idempotent consumer.
//   - "An ack confirms one message." In client mode it confirms all before
//     it too; a failed message in between is lost silently.
//   - "A topic stores messages for later subscribers." Only for durable
//     subscriptions that existed when the message was sent.
//   - "Redelivered means the consumer processed it already." It means it
//     may have: the broker cannot know what happened on the other side.
package broker
