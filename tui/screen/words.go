package screen

import (
	"fmt"
	"strings"

	"dsdemo/tui/launch"
)

// What the live view says in the user's language about things other
// packages report in English: a process's state, the faults in force, what
// churn did. Everything a user reads is in their language; a program's own
// state values (a cache's "hit", a key's value) are the program's words and
// stay as they are.

// procWords is a process's state in words.
func procWords(c *common, p launch.Proc) string {
	switch p.State {
	case launch.StateStarting:
		return c.t("startet", "starting")
	case launch.StateRunning:
		return c.t("läuft", "running")
	case launch.StateFrozen:
		return c.t("eingefroren", "frozen")
	case launch.StateKilled:
		return c.t("hart beendet", "killed")
	case launch.StateExited:
		return fmt.Sprintf(c.t("beendet mit Code %d", "exited with code %d"), p.ExitCode)
	}
	return string(p.State)
}

// faultWords is the "faults" state a program reports (models/faults:
// "delay 300ms, drop 50%, cut off from a b", or "none") in the user's
// language.
func faultWords(c *common, s string) string {
	if c.lang != "de" {
		return s
	}
	if s == "none" {
		return "keine"
	}
	parts := strings.Split(s, ", ")
	for i, p := range parts {
		for _, w := range [][2]string{{"cut off from ", "abgetrennt von "}, {"delay ", "Verzögerung "},
			{"drop ", "Verlust "}, {"duplicate ", "Duplikate "}, {"hold", "Schrittmodus"}} {
			if strings.HasPrefix(p, w[0]) {
				parts[i] = w[1] + strings.TrimPrefix(p, w[0])
				break
			}
		}
	}
	return strings.Join(parts, ", ")
}

// churnWords is what launch's Churn reports it did ("peer-2 leaves",
// "peer-2 joins") in the user's language.
func churnWords(c *common, did string) string {
	if name, ok := strings.CutSuffix(did, " leaves"); ok {
		return fmt.Sprintf(c.t("Churn: %s geht", "churn: %s leaves"), name)
	}
	if name, ok := strings.CutSuffix(did, " joins"); ok {
		return fmt.Sprintf(c.t("Churn: %s kommt", "churn: %s joins"), name)
	}
	return "churn: " + did
}
