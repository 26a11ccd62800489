package quiz

import "dsdemo/models/i18n"

// Topic is one part of the syllabus. Tag is what a question file writes in
// `topic:` and `tags:`; Name is what a score table shows.
type Topic struct {
	Tag  string
	Name i18n.Text
}

// topics is the syllabus in the lecture's order. It is fixed in code, not
// read from the files, so that a typo in a question file ("transparancy")
// is an error instead of a new topic with one question.
var topics = []Topic{
	{"definition", i18n.Text{DE: "Definition: verteiltes System und verteilte Anwendung", EN: "Definition: distributed system and distributed application"}},
	{"problems", i18n.Text{DE: "Probleme verteilter Systeme", EN: "Problems of distributed systems"}},
	{"goals", i18n.Text{DE: "Ziele und Versprechen", EN: "Goals and promises"}},
	{"scalability", i18n.Text{DE: "Skalierbarkeit", EN: "Scalability"}},
	{"security", i18n.Text{DE: "Sicherheit, Verschlüsselung, Signaturen", EN: "Security, encryption, signatures"}},
	{"fault-tolerance", i18n.Text{DE: "Fehlertoleranz", EN: "Fault tolerance"}},
	{"transparency", i18n.Text{DE: "Transparenz (die acht der Vorlesung)", EN: "Transparency (the lecture's eight)"}},
	{"architecture", i18n.Text{DE: "Architekturmodelle und Rollen", EN: "Architecture models and roles"}},
	{"ntier", i18n.Text{DE: "N-Tier und DMZ", EN: "N-tier and DMZ"}},
	{"sockets", i18n.Text{DE: "Sockets und Middleware", EN: "Sockets versus middleware"}},
	{"middleware", i18n.Text{DE: "Middleware: Arten und Aufgaben", EN: "Middleware: kinds and tasks"}},
	{"data-formats", i18n.Text{DE: "Datenformate und Byte-Reihenfolge", EN: "Data formats and byte order"}},
	{"messaging", i18n.Text{DE: "Entfernter Aufruf und Messaging", EN: "Remote calls and messaging"}},
	{"containers", i18n.Text{DE: "Container und Inversion of Control", EN: "Containers and inversion of control"}},
	{"ejb", i18n.Text{DE: "EJB-Rollen", EN: "EJB roles"}},
	{"jms", i18n.Text{DE: "JMS", EN: "JMS"}},
	{"javaspaces", i18n.Text{DE: "JavaSpaces", EN: "JavaSpaces"}},
	{"jini", i18n.Text{DE: "Jini", EN: "Jini"}},
}

// DeepeningTag marks a question that goes beyond the syllabus, in `tags:`
// beside the topics: a Chord finger table, say, where the lecture only
// names peer-to-peer. It is not a topic and counts for no score; an exam
// leaves such questions out unless Config.Deepening asks for them.
const DeepeningTag = "deepening"

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
