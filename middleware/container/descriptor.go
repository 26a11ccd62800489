package container

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"

	"dsdemo/models/yamlfile"
)

// The deployment descriptor is the application assembler's artefact: it
// says how the container treats a component, which the component's code
// never says itself. An example (examples/bank.yaml):
//
//	component: bank
//	version: 1
//	script: bank.star
//	kind: stateless        # or stateful: one instance per client session
//	pool: 3                # stateless: at most this many instances
//	resources: [db]        # the container's SQLite data source, injected as db
//	methods:
//	  transfer: {transaction: Required, roles: [teller]}
//	  balance:  {transaction: Supports, roles: [teller, customer]}
//	users:                 # the deployer's mapping of users to roles
//	  alice: [teller]
//	  bob: [customer]

// The transaction attributes of a method, as EJB names them.
const (
	Required    = "Required"    // run in a transaction: the caller's, or a new one
	RequiresNew = "RequiresNew" // always in a new transaction of its own
	Supports    = "Supports"    // in the caller's transaction if there is one, else without
	Never       = "Never"       // never in a transaction; refused if the caller brings one
)

// The kinds of component.
const (
	Stateless = "stateless" // any pooled instance serves any call
	Stateful  = "stateful"  // one instance per client session, holding its state
)

// Descriptor is a parsed deployment descriptor.
type Descriptor struct {
	Component string
	Version   int
	Script    string // the script's file name, for the deploy command
	Kind      string
	Pool      int
	Resources []string
	Methods   map[string]Method
	Users     map[string][]string
}

// Method is what the descriptor says about one business method.
type Method struct {
	Transaction string
	Roles       []string
}

// maxPool bounds a descriptor's pool.
const maxPool = 32

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// ParseDescriptor reads a descriptor, naming every mistake with its line
// (file is the name the errors use).
func ParseDescriptor(file string, data []byte) (Descriptor, error) {
	r := &yamlfile.Reader{File: file}
	root, err := r.Parse(data)
	if err != nil {
		return Descriptor{}, err
	}
	if root == nil {
		return Descriptor{}, fmt.Errorf("%s: the descriptor is empty", file)
	}
	d := Descriptor{Methods: map[string]Method{}, Users: map[string][]string{}, Pool: 1}
	f := r.Fields(root, "a deployment descriptor", []string{"component", "version", "script", "kind", "pool", "resources", "methods", "users"})
	if f == nil {
		return d, r.Errs.Err()
	}
	d.Component = r.Scalar(orEmpty(r, root, f["component"], "component"), "component")
	if d.Component != "" && !nameRE.MatchString(d.Component) {
		r.Errorf(f["component"], "component %q must be a lower-case name (letters, digits, _)", d.Component)
	}
	d.Version = number(r, f["version"], "version", 1, 1, 1<<20)
	if f["script"] != nil {
		d.Script = r.Scalar(f["script"], "script")
	}
	d.Kind = Stateless
	if f["kind"] != nil {
		d.Kind = r.Scalar(f["kind"], "kind")
		if d.Kind != Stateless && d.Kind != Stateful {
			r.Errorf(f["kind"], "kind must be stateless or stateful, not %q", d.Kind)
		}
	}
	d.Pool = number(r, f["pool"], "pool", 2, 1, maxPool)
	d.Resources = names(r, f["resources"], "resources")
	for _, res := range d.Resources {
		if res != "db" {
			r.Errorf(f["resources"], "unknown resource %q: the container offers only db", res)
		}
	}
	methods(r, root, f["methods"], &d)
	if u := f["users"]; u != nil {
		if u.Kind != yaml.MappingNode {
			r.Errorf(u, "users must map each user to a list of roles")
		} else {
			for i := 0; i+1 < len(u.Content); i += 2 {
				d.Users[u.Content[i].Value] = names(r, u.Content[i+1], "roles of "+u.Content[i].Value)
			}
		}
	}
	return d, r.Errs.Err()
}

func orEmpty(r *yamlfile.Reader, root, n *yaml.Node, field string) *yaml.Node {
	if n == nil {
		r.Errorf(root, "the descriptor needs a %s", field)
		return &yaml.Node{Kind: yaml.ScalarNode}
	}
	return n
}

func number(r *yamlfile.Reader, n *yaml.Node, what string, dflt, lo, hi int) int {
	if n == nil {
		return dflt
	}
	v, err := strconv.Atoi(r.Scalar(n, what))
	if err != nil || v < lo || v > hi {
		r.Errorf(n, "%s must be a whole number from %d to %d", what, lo, hi)
		return dflt
	}
	return v
}

func names(r *yamlfile.Reader, n *yaml.Node, what string) []string {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.Errorf(n, "%s must be a list ([a, b])", what)
		return nil
	}
	var out []string
	for _, e := range n.Content {
		out = append(out, r.Scalar(e, what))
	}
	return out
}

var attributes = []string{Required, RequiresNew, Supports, Never}

func methods(r *yamlfile.Reader, root, n *yaml.Node, d *Descriptor) {
	if n == nil {
		r.Errorf(root, "the descriptor needs methods: the business methods a client may call")
		return
	}
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		r.Errorf(n, "methods must map each business method to its transaction and roles")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		name := n.Content[i].Value
		if !nameRE.MatchString(name) || slices.Contains(lifecycle, name) {
			r.Errorf(n.Content[i], "%q cannot be a business method (a lower-case name, not a lifecycle callback)", name)
		}
		what := "method " + name
		f := r.Fields(n.Content[i+1], what, []string{"transaction", "roles"})
		m := Method{Transaction: Required}
		if f["transaction"] != nil {
			m.Transaction = r.Scalar(f["transaction"], "transaction")
			if !slices.Contains(attributes, m.Transaction) {
				r.Errorf(f["transaction"], "transaction must be one of %v, not %q", attributes, m.Transaction)
			}
		}
		m.Roles = names(r, f["roles"], "roles")
		if len(m.Roles) == 0 {
			r.Errorf(n.Content[i], "%s needs roles: who may call it", what)
		}
		d.Methods[name] = m
	}
}

// allowed reports whether user may call method m.
func (d Descriptor) allowed(user string, m Method) bool {
	for _, role := range d.Users[user] {
		if slices.Contains(m.Roles, role) {
			return true
		}
	}
	return false
}

func (d Descriptor) String() string {
	return fmt.Sprintf("%s v%d (%s)", d.Component, d.Version, d.Kind)
}
