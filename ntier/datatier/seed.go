package datatier

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// timetable is the flights an empty database starts with: Day counts from
// the day after the first start, so the flights are always ahead. Some are
// nearly full, to race for the last seat; DS 440 has exactly 50 seats, all
// free.
var timetable = []struct {
	Number, From, To string
	Day              int
	Clock            string
	Seats, Free      int
}{
	{"DS 101", "Berlin", "München", 1, "07:15", 180, 150},
	{"DS 102", "München", "Berlin", 1, "19:40", 180, 130},
	{"DS 210", "Hamburg", "Frankfurt", 2, "06:50", 150, 2},
	{"DS 211", "Frankfurt", "Hamburg", 2, "21:05", 150, 110},
	{"DS 330", "Köln", "Wien", 3, "08:30", 120, 1},
	{"DS 331", "Wien", "Köln", 3, "17:45", 120, 90},
	{"DS 440", "Stuttgart", "Paris", 3, "09:30", 50, 50},
	{"DS 441", "Paris", "Stuttgart", 4, "18:10", 50, 12},
	{"DS 550", "Düsseldorf", "Amsterdam", 4, "07:05", 100, 3},
	{"DS 551", "Amsterdam", "Düsseldorf", 4, "20:20", 100, 85},
	{"DS 660", "Leipzig", "Zürich", 5, "10:00", 80, 80},
	{"DS 770", "Dresden", "Kopenhagen", 5, "13:25", 70, 55},
}

// seed writes the timetable and, for the seats already taken, bookings of
// earlier passengers, so that seats - free is always the number of
// bookings of a flight.
func seed(ctx context.Context, tx *sql.Tx, now time.Time) error {
	first := []string{"Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannes", "Ida", "Jonas"}
	last := []string{"Schmidt", "Müller", "Weber", "Fischer", "Wagner", "Becker", "Hoffmann", "Schulz"}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	booked := now.Add(-24 * time.Hour)
	n := 0
	for _, f := range timetable {
		departs := day.AddDate(0, 0, f.Day).Format("2006-01-02") + "T" + f.Clock
		res, err := tx.ExecContext(ctx, `INSERT INTO flights (number, origin, destination, departs, seats, free) VALUES (?, ?, ?, ?, ?, ?)`,
			f.Number, f.From, f.To, departs, f.Seats, f.Free)
		if err != nil {
			return fmt.Errorf("seed flight %s: %w", f.Number, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		for range f.Seats - f.Free {
			name := first[n%len(first)] + " " + last[n/len(first)%len(last)]
			n++
			if _, err := insertBooking(ctx, tx, id, name, "", booked); err != nil {
				return fmt.Errorf("seed bookings of %s: %w", f.Number, err)
			}
		}
	}
	return nil
}
