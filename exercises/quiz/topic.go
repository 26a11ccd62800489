package quiz

import "dsdemo/models/catalog"

// Topic is one part of the syllabus. Tag is what a question file writes in
// `topic:` and `tags:`; Name is what a score table shows.
type Topic struct {
	Tag  string
	Name catalog.Text
}

// topics is the syllabus in the lecture's order. It is fixed in code, not
// read from the files, so that a typo in a question file ("transparancy")
// is an error instead of a new topic with one question.
var topics = []Topic{
	{"definition", catalog.Text{DE: "Definition: verteiltes System und verteilte Anwendung", EN: "Definition: distributed system and distributed application"}},
	{"problems", catalog.Text{DE: "Probleme verteilter Systeme", EN: "Problems of distributed systems"}},
	{"goals", catalog.Text{DE: "Ziele und Versprechen", EN: "Goals and promises"}},
	{"scalability", catalog.Text{DE: "Skalierbarkeit", EN: "Scalability"}},
	{"security", catalog.Text{DE: "Sicherheit, Verschlüsselung, Signaturen", EN: "Security, encryption, signatures"}},
	{"fault-tolerance", catalog.Text{DE: "Fehlertoleranz", EN: "Fault tolerance"}},
	{"transparency", catalog.Text{DE: "Transparenz (die acht nach ISO)", EN: "Transparency (ISO's eight)"}},
	{"architecture", catalog.Text{DE: "Architekturmodelle und Rollen", EN: "Architecture models and roles"}},
	{"ntier", catalog.Text{DE: "N-Tier und DMZ", EN: "N-tier and DMZ"}},
	{"sockets", catalog.Text{DE: "Sockets und Middleware", EN: "Sockets versus middleware"}},
	{"middleware", catalog.Text{DE: "Middleware: Arten und Aufgaben", EN: "Middleware: kinds and tasks"}},
	{"data-formats", catalog.Text{DE: "Datenformate und Byte-Reihenfolge", EN: "Data formats and byte order"}},
	{"messaging", catalog.Text{DE: "Entfernter Aufruf und Messaging", EN: "Remote calls and messaging"}},
	{"containers", catalog.Text{DE: "Container und Inversion of Control", EN: "Containers and inversion of control"}},
	{"ejb", catalog.Text{DE: "EJB-Rollen", EN: "EJB roles"}},
	{"jms", catalog.Text{DE: "JMS", EN: "JMS"}},
	{"javaspaces", catalog.Text{DE: "JavaSpaces", EN: "JavaSpaces"}},
	{"jini", catalog.Text{DE: "Jini", EN: "Jini"}},
}

// Topics returns the topics of the syllabus in the lecture's order.
func Topics() []Topic { return append([]Topic(nil), topics...) }

// TopicByTag returns the topic with the given tag.
func TopicByTag(tag string) (Topic, bool) {
	for _, t := range topics {
		if t.Tag == tag {
			return t, true
		}
	}
	return Topic{}, false
}

// topicTags lists the tags, for error messages.
func topicTags() []string {
	tags := make([]string, len(topics))
	for i, t := range topics {
		tags[i] = t.Tag
	}
	return tags
}
