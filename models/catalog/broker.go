package catalog

import "dsdemo/models/i18n"

func init() { register(80, messageBroker) }

// messageBroker is the lecture's third paradigm of middleware, asynchronous
// messaging: producers hand messages to a broker and go on, the broker
// keeps them in queues and topics, consumers take them pushed or pulled.
//
//	producer-1 --send--> +-------------------+ --deliver--> consumer-1..3 (queue:orders, push)
//	producer-2 --send--> | broker            | --deliver--> reader-1      (topic:news, push)
//	                     |  queue:orders     | <--pull----- reader-2      (topic:news, pull)
//	                     |  topic:news       | --deliver--> reader-3      (topic:news, durable "audit")
//	                     +-------------------+
//
// The row layout draws its columns in the reverse order of Programs, so
// the consumers come first here, the broker next and the producers last:
// on the screen the producers stand left, the broker in the middle and the
// consumers right. The launcher starts the broker first all the same,
// since the others need its address.
//
// The three consumers of queue:orders compete for its messages; the three
// readers of topic:news each get a copy. reader-2 pulls where the others
// are pushed to, so push and pull can be compared side by side. producer-1
// is a session for the experiments' do steps (send, burst, to,
// persistent); producer-2 sends a message of its own every two seconds.
func messageBroker() Model {
	broker := []string{"--broker", "{addr:broker}"}
	args := func(more ...string) []string { return append(append([]string{}, broker...), more...) }
	return Model{
		ID:    "broker",
		Title: i18n.Text{DE: "Nachrichtenorientierte Middleware: Broker", EN: "Message-oriented middleware: a broker"},
		Summary: i18n.Text{
			DE: "Ein Produzent gibt seine Nachricht beim Broker ab und arbeitet sofort weiter; er wartet auf keinen Empfänger. " +
				"Der Broker bewahrt die Nachricht in einer Warteschlange oder einem Thema auf, bis ein Konsument sie abholt (pull) oder zugestellt bekommt (push). " +
				"In einer Warteschlange erhält genau ein Konsument jede Nachricht, in einem Thema bekommt jeder Abonnent eine eigene Kopie. " +
				"Bestätigungen, erneute Zustellung, eine Ablage für unzustellbare Nachrichten und ein Protokoll auf der Platte machen den Weg zuverlässig.",
			EN: "A producer leaves its message with the broker and carries on at once; it waits for no receiver. " +
				"The broker keeps the message in a queue or a topic until a consumer fetches it (pull) or has it delivered (push). " +
				"In a queue exactly one consumer gets each message; in a topic every subscriber gets a copy of its own. " +
				"Acknowledgements, redelivery, a dead-letter queue and a log on disk make the way reliable.",
		},
		Roles: []Role{
			{Name: "producer", Does: i18n.Text{
				DE: "Schickt Nachrichten an ein Ziel (queue:NAME oder topic:NAME), auf Wunsch persistent, und wartet nur auf die Quittung des Brokers, nie auf einen Empfänger.",
				EN: "Sends messages to a destination (queue:NAME or topic:NAME), persistent if asked, and waits only for the broker's receipt, never for a receiver.",
			}},
			{Name: "broker", Does: i18n.Text{
				DE: "Die Middleware: hält Warteschlangen und Themen, verteilt Nachrichten reihum oder als Kopien, merkt sich unbestätigte Nachrichten und stellt sie erneut zu.",
				EN: "The middleware: keeps queues and topics, hands messages out in turns or as copies, remembers unacknowledged messages and delivers them again.",
			}},
			{Name: "consumer", Does: i18n.Text{
				DE: "Abonniert ein Ziel, bekommt Nachrichten zugestellt oder holt sie ab, verarbeitet sie und bestätigt jede einzeln.",
				EN: "Subscribes to a destination, has messages delivered or fetches them, processes them and acknowledges each one.",
			}},
		},
		Programs: []Program{
			// A minute to acknowledge, not the broker's ten seconds, so that
			// a message stays with consumer-1 while the class talks about
			// it (experiment redelivery freezes it while it holds one).
			{Node: "consumer-1", Role: "consumer", Binary: "consumer", Args: args("--from", "queue:orders", "--ack-timeout", "1m")},
			{Node: "consumer-2", Role: "consumer", Binary: "consumer", Later: true, Args: args("--from", "queue:orders")},
			{Node: "consumer-3", Role: "consumer", Binary: "consumer", Later: true, Args: args("--from", "queue:orders")},
			{Node: "reader-1", Role: "consumer", Binary: "consumer", Later: true, Args: args("--from", "topic:news")},
			{Node: "reader-2", Role: "consumer", Binary: "consumer", Later: true,
				Args: args("--from", "topic:news", "--pull", "--wait", "3s")},
			{Node: "reader-3", Role: "consumer", Binary: "consumer", Later: true,
				Args: args("--from", "topic:news", "--durable", "audit")},
			// The auditor shows JMS's client-acknowledge pitfall (experiment
			// client-ack): one ack every second message covers all before it.
			{Node: "auditor", Role: "consumer", Binary: "consumer", Later: true,
				Args: args("--from", "queue:audit", "--ack", "client", "--ack-every", "2")},
			{Node: "broker", Role: "broker", Binary: "broker", Listen: ListenAny},
			{Node: "producer-1", Role: "producer", Binary: "producer", Args: args("--to", "queue:orders")},
			{Node: "producer-2", Role: "producer", Binary: "producer", Later: true,
				Args: args("--to", "queue:orders", "--every", "2s")},
		},
		Layout: LayoutRow,
		Adds:   "consumer", // key a: one more consumer of queue:orders, a copy of consumer-1
		Shows: []Shown{
			{Transparency: LocationTransparency, How: i18n.Text{
				DE: "Produzent und Konsument kennen einander nicht, nur den Namen eines Ziels beim Broker; wer die Nachricht verarbeitet und wo er läuft, bleibt dem Absender verborgen.",
				EN: "Producer and consumer do not know each other, only the name of a destination at the broker; who processes the message, and where it runs, stays hidden from the sender.",
			}},
			{Transparency: FailureTransparency, How: i18n.Text{
				DE: "Ist kein Konsument da, wartet die Nachricht in der Warteschlange; stirbt einer mit unbestätigten Nachrichten, bekommt sie ein anderer – als erneut zugestellt markiert.",
				EN: "When no consumer runs, the message waits in the queue; when one dies holding unacknowledged messages, another gets them – marked as redelivered.",
			}},
			{Transparency: ScalingTransparency, How: i18n.Text{
				DE: "Ein weiterer Konsument an derselben Warteschlange übernimmt seinen Anteil der Nachrichten, ohne dass der Produzent davon erfährt.",
				EN: "Another consumer on the same queue takes its share of the messages, and the producer never learns of it.",
			}},
		},
	}
}
