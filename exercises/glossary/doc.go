// Package glossary is the lecture's vocabulary: every term the syllabus
// uses, in German and English, with a one-line definition in our own words
// and where a student sees it at work, in a demo, a guided experiment, a
// quiz question or a coding exercise.
//
//	glossary.yaml ──Load──▶ Glossary ──Find──▶ Term ──▶ dsdemo glossary, the TUI page (key g)
//	  (go:embed)     │                   ▲
//	                 ▼                   └── quiz questions name terms (terms: [id, ...])
//	      file:line: what is wrong
//
// # One file for the glossary and the bank
//
// The glossary is one YAML file, glossary.yaml, built into the program. The
// quiz bank's validator reads the same file: a question may name the terms
// it asks about (terms: [lease, jini]), and an id that is not in the
// glossary is a mistake at the question's line. In the other direction a
// term names the demos and questions where it is seen; Check tests those
// names against the catalogue and the bank, which this package does not
// import (the bank imports it), so the caller passes them in as Refs.
//
// # One term
//
//	# glossary.yaml
//	- id: lease                       # unique: lower case letters, digits, dashes
//	  term: {de: Lease, en: lease}    # the word in each language
//	  def:                            # one line each, in our own words
//	    de: "..."
//	    en: "..."
//	  seen:                           # optional: where it is seen at work
//	    demos: [p2p, clientserver/server-crash]   # a model, or model/experiment
//	    questions: [jini-lease-unplugged]         # question ids of the bank
//	    exercises: [lamport]                      # folders of exercises/
//	  see: [jini, javaspaces]         # optional: related terms
//
// Parse reports every mistake at once, each as "file:line: what is wrong":
// a duplicate id, a missing language, an unknown field, a see: that names
// no term. Check adds the links that name no model, experiment, question
// or exercise.
package glossary
