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

// product is one entry of the catalogue.
type product struct {
	Name     string  `json:"name"`
	Category string  `json:"category"`
	Price    float64 `json:"price"` // in EUR
	Stock    int     `json:"stock"`
}

// catalogue is the product catalogue op "products" returns.
var catalogue = []product{
	{"notebook", "paper", 2.5, 120},
	{"pencil", "writing", 0.8, 500},
	{"fountain pen", "writing", 24.0, 15},
	{"stapler", "office", 9.9, 40},
	{"desk lamp", "office", 34.5, 8},
	{"sticky notes", "paper", 3.2, 300},
}

// rates are the exchange rates op "rates" returns: units per 1 EUR.
var rates = map[string]float64{"EUR": 1, "USD": 1.08, "GBP": 0.85, "CHF": 0.95, "JPY": 162.5}

// apiOps are the ops of the data API, by name.
var apiOps = map[string]func(args any) (any, error){
	"echo": func(args any) (any, error) { return args, nil },
	"rates": func(any) (any, error) {
		return rates, nil
	},
	"products": products,
}

// products returns the catalogue, or one category of it when args is
// {"category": NAME}.
func products(args any) (any, error) {
	m, _ := args.(map[string]any)
	cat, _ := m["category"].(string)
	var out []product
	for _, p := range catalogue {
		if cat == "" || p.Category == cat {
			out = append(out, p)
		}
	}
	return out, nil
}

// serveCall answers one origin.call on the server.
func serveCall(_ context.Context, op string, args any) (any, error) {
	f, ok := apiOps[op]
	if !ok {
		return nil, fmt.Errorf("unknown op %q: the origin offers only %s, and a script has no other way out of the sandbox", op, strings.Join(opNames(), ", "))
	}
	return f(args)
}

// opNames returns the data API's op names, sorted.
func opNames() []string {
	ops := make([]string, 0, len(apiOps))
	for op := range apiOps {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}
