package mobilecode

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// The data API is what scripts call home for with origin.call(op, args). It
// is the server's whole surface for mobile code: an op that is not here does
// not exist, so a script cannot make the server reach a third host for it.

// Product is one entry of the catalogue.
type Product struct {
	Name     string  `json:"name"`
	Category string  `json:"category"`
	Price    float64 `json:"price"` // in EUR
	Stock    int     `json:"stock"`
}

// Catalogue is the product catalogue op "products" returns.
var Catalogue = []Product{
	{"notebook", "paper", 2.5, 120},
	{"pencil", "writing", 0.8, 500},
	{"fountain pen", "writing", 24.0, 15},
	{"stapler", "office", 9.9, 40},
	{"desk lamp", "office", 34.5, 8},
	{"sticky notes", "paper", 3.2, 300},
}

// Rates are the exchange rates op "rates" returns: units per 1 EUR.
var Rates = map[string]float64{"EUR": 1, "USD": 1.08, "GBP": 0.85, "CHF": 0.95, "JPY": 162.5}

// apiOps are the ops of the data API, by name.
var apiOps = map[string]func(args any) (any, error){
	"echo": func(args any) (any, error) { return args, nil },
	"rates": func(any) (any, error) {
		return Rates, nil
	},
	"products": products,
}

// products returns the catalogue, or one category of it when args is
// {"category": NAME}.
func products(args any) (any, error) {
	m, _ := args.(map[string]any)
	cat, _ := m["category"].(string)
	var out []Product
	for _, p := range Catalogue {
		if cat == "" || p.Category == cat {
			out = append(out, p)
		}
	}
	return out, nil
}

// ServeCall answers one origin.call on the server.
func ServeCall(_ context.Context, op string, args any) (any, error) {
	f, ok := apiOps[op]
	if !ok {
		return nil, fmt.Errorf("unknown op %q: the origin offers only %s, and a script has no other way out of the sandbox", op, strings.Join(Ops(), ", "))
	}
	return f(args)
}

// Ops returns the data API's op names, sorted.
func Ops() []string {
	ops := make([]string, 0, len(apiOps))
	for op := range apiOps {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}
