package catalog

import "dsdemo/models/i18n"

func init() { register(85, tupleSpace) }

// tupleSpace is the lecture's space of objects (JavaSpaces): programs
// write typed entries into a shared space and read or take them by
// template, and a compute farm is built on it without a balancer.
//
//	master --write task--> +-----------------+ <--take task (txn)-- worker-1
//	master <--take result- | space           | --write result-----> worker-2
//	                       |  task, result   | <--commit----------- worker-3 (later)
//	                       +-----------------+
//
// The row layout draws its columns in the reverse order of Programs: the
// master stands left, the space in the middle, the workers right. The
// master is a session for the experiments' do steps (write, read, take,
// notify, begin, commit, abort, render); the workers compute each tile a
// little slower than they could (--work), so the class sees the picture
// fill in and can kill a worker while it holds a task.
func tupleSpace() Model {
	space := []string{"--space", "{addr:space}"}
	worker := append(append([]string{}, space...), "--work", "250ms", "--txn-lease", "3s")
	return Model{
		ID:    "space",
		Title: i18n.Text{DE: "Ein Raum voller Einträge: JavaSpaces und eine Rechenfarm", EN: "A space of entries: JavaSpaces and a compute farm"},
		Summary: i18n.Text{
			DE: "Programme sprechen nicht miteinander, sondern legen typisierte Einträge in einen gemeinsamen Raum und holen sie über Schablonen wieder heraus; leere Felder der Schablone passen auf alles. " +
				"Jeder Eintrag lebt nur, solange sein Lease läuft; Transaktionen machen das Herausnehmen rückgängig, wenn ihr Halter stirbt. " +
				"Darauf baut eine Rechenfarm: Der Master legt je Kachel eines Mandelbrot-Bildes eine Aufgabe ab, freie Worker nehmen sich die nächste, und das Bild füllt sich ohne jeden Lastverteiler.",
			EN: "Programs do not talk to each other: they put typed entries into a shared space and fetch them again by template, where the template's empty fields match anything. " +
				"Each entry lives only while its lease runs; transactions undo a take when their holder dies. " +
				"A compute farm is built on it: the master leaves one task per tile of a Mandelbrot picture, idle workers help themselves to the next one, and the picture fills in without any load balancer.",
		},
		Roles: []Role{
			{Name: "master", Does: i18n.Text{
				DE: "Legt je Kachel eine Aufgabe in den Raum, nimmt die Ergebnisse wieder heraus und setzt das Bild zusammen; kann auch einzelne Operationen des Raums von Hand ausführen.",
				EN: "Puts one task per tile into the space, takes the results out again and assembles the picture; can also run the space's operations one by one.",
			}},
			{Name: "space", Does: i18n.Text{
				DE: "Der Raum: bewahrt Einträge unter Leases auf, findet sie über Schablonen, benachrichtigt Interessenten und führt Transaktionen, deren Lease verfällt, wenn niemand sie verlängert.",
				EN: "The space: keeps entries under leases, finds them by template, notifies listeners and keeps transactions whose lease runs out when nobody renews it.",
			}},
			{Name: "worker", Does: i18n.Text{
				DE: "Nimmt unter einer Transaktion eine Aufgabe heraus, berechnet die Kachel, legt das Ergebnis ab und schließt die Transaktion ab – immer wieder.",
				EN: "Takes a task under a transaction, computes the tile, writes the result and commits – again and again.",
			}},
		},
		Programs: []Program{
			{Node: "worker-1", Role: "worker", Binary: "worker", Args: worker},
			{Node: "worker-2", Role: "worker", Binary: "worker", Args: worker},
			{Node: "worker-3", Role: "worker", Binary: "worker", Later: true, Args: worker},
			{Node: "space", Role: "space", Binary: "space", Listen: ListenAny},
			{Node: "master", Role: "master", Binary: "master", Args: space},
		},
		Layout: LayoutRow,
		Adds:   "worker", // key a: one more worker, a copy of worker-1
		Shows: []Shown{
			{Transparency: LocationTransparency, How: i18n.Text{
				DE: "Master und Worker kennen einander nicht, nur den Raum; wer eine Aufgabe rechnet und wo er läuft, bleibt dem Master verborgen.",
				EN: "Master and workers do not know each other, only the space; who computes a task, and where it runs, stays hidden from the master.",
			}},
			{Transparency: FailureTransparency, How: i18n.Text{
				DE: "Stirbt ein Worker mitten in einer Kachel, verfällt das Lease seiner Transaktion, die Aufgabe liegt wieder im Raum und ein anderer rechnet sie; das Bild wird trotzdem vollständig, jede Kachel genau einmal.",
				EN: "When a worker dies in the middle of a tile, its transaction's lease runs out, the task is back in the space and another worker computes it; the picture is still complete, every tile exactly once.",
			}},
			{Transparency: ScalingTransparency, How: i18n.Text{
				DE: "Ein weiterer Worker nimmt sich einfach Aufgaben; die Kacheln pro Sekunde steigen, ohne dass der Master davon erfährt.",
				EN: "Another worker simply takes tasks too; the tiles per second go up, and the master never learns of it.",
			}},
		},
	}
}
