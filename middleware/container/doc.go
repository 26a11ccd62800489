// Package container is the lecture's application server: a runtime
// environment that hosts components. You do not start your own program;
// you start the container, and your code only fills in the business
// logic it asks for. Who creates an instance, when it is thrown away,
// whether a call runs in a transaction and who may make it: the container
// decides all of that, from a deployment descriptor, never from the
// component's code. That turn of control, from the code to its
// environment, is inversion of control (IoC), and it is what Enterprise
// JavaBeans (EJB) made famous.
//
// # The picture
//
//	 caller (client)                     container
//	+----------------+  call {bank.      +-------------------------------------------+
//	| knows a name   |   transfer, user, | 1. descriptor: may alice call transfer?    |
//	| and an address,|   args}           |    (roles)  no -> refused, nothing runs    |
//	| never an       | ----------------> | 2. an instance from the pool (created on   |
//	| instance       |                   |    first need: create(self))               |
//	|                |  call_ok {result, | 3. BEGIN (transaction: Required)           |
//	|                |   version,        | 4. bank.star transfer(self, a, b, 10)      |
//	|                |   instance, tx}   |    in the sandbox; db injected             |
//	|                | <---------------- | 5. COMMIT on return, ROLLBACK on failure   |
//	| deploy FILE    |  deploy {yaml,    |    or when the sandbox stops it            |
//	| (the deployer) |   script}         | 6. the instance goes back to the pool      |
//	|                | ----------------> |                                            |
//	+----------------+                   |  stateful: one instance per session,       |
//	                                     |  passivated to disk when idle              |
//	                                     |         |  SQLite data source (its own)    |
//	                                     +---------|---------------------------------+
//	                                               v  DATA/container.db
//
// # Messages
//
// One JSON envelope per line (package wire); the bodies are the types of
// messages.go.
//
//	type      body                                   reply        reply body                               sent by
//	call      CallRequest {method, args, user,       call_ok      CallReply {result, version, instance,    caller
//	              session}                                            transaction}
//	deploy    DeployRequest {descriptor, script}     deploy_ok    DeployReply {component, version}         caller deploy FILE (the deployer)
//	undeploy  UndeployRequest {component}            undeploy_ok  DeployReply                              caller undeploy NAME
//	status    {}                                     status_ok    Status {components}                      caller status
//
// Any request may be answered by an error envelope whose reason is one
// sentence: an unknown component or method, a refused role, a rolled back
// transaction with the sandbox's verdict, a malformed descriptor with its
// line.
//
// # A component and its descriptor
//
// A component (examples/bank.star) is a Starlark script with business
// methods and, if it wants them, the lifecycle callbacks create, activate,
// passivate and remove (component.go). It has no main and never begins or
// commits anything. Its descriptor (examples/bank.yaml, descriptor.go)
// says:
//
//   - kind: stateless (any instance of a pool serves any call; pool bounds
//     how many exist) or stateful (one instance per client session, which
//     keeps the conversation in self);
//   - per method a transaction attribute: Required and RequiresNew begin a
//     transaction (a remote caller never brings one, so both begin a new
//     one here), Supports and Never run without;
//   - per method the roles allowed to call it, and the users each role
//     holds (the deployer's mapping);
//   - the resources the container injects: db, its SQLite data source.
//
// Every run of component code (a callback or a business method) happens in
// the shared sandbox of package models/sandbox, with the same limits as
// mobile code: steps, time, an allocation budget, the heap watchdog, no
// recursion, no load, only the names the container grants. A method that
// loops, allocates, divides by zero or never returns is stopped, and its
// transaction is rolled back: the first half of a transfer never stays.
//
// # The five roles of EJB, as artefacts here
//
//	server provider       the container binary's process, wire and sandbox (models/)
//	container provider    container.go, component.go: pooling, passivation, transactions, roles
//	bean provider         examples/*.star: business logic only
//	application assembler examples/*.yaml: kind, pool, transactions, roles
//	deployer              caller deploy FILE, and the container's flags
//	                      (--deploy, --data, --idle, --steps ...): this site's settings
//
// # Where to read
//
// container.go is the container (RunContainer, Call: role, instance,
// transaction); component.go the instances, the pool, sessions and
// passivation; descriptor.go the descriptor; datasource.go the injected
// db; caller.go the client (RunCaller).
//
// # Try it
//
// From the repository's root, in two terminals (make build puts the same
// programs in bin/; example:NAME is examples/NAME.yaml, carried by the
// programs):
//
//	# terminal 1: the container with the bank and the cart deployed
//	go run ./middleware/container/container --deploy example:bank,example:cart --idle 5s
//
//	# terminal 2: calls; the caller never holds an instance
//	go run ./middleware/container/caller --user alice --call bank.transfer a b 10
//	go run ./middleware/container/caller --user alice --call bank.transfer a nobody 10  # rolled back
//	go run ./middleware/container/caller --user bob --call bank.transfer a b 10         # refused: bob is a customer
//	go run ./middleware/container/caller --user bob --session s1 --call cart.add apple  # wait 5 s: passivated
//	go run ./middleware/container/caller --user bob --session s1 --call cart.items      # activated from disk
//	go run ./middleware/container/caller deploy example:bank-v2                         # hot deploy
//	go run ./middleware/container/caller deploy example:rogue
//	go run ./middleware/container/caller --user alice --call rogue.loop                 # stopped, rolled back
//	go run ./middleware/container/caller status
//
//	# the wire by hand
//	nc 127.0.0.1 7950
//	{"from":"me","to":"container","type":"call","id":1,"body":{"method":"bank.total","user":"bob"}}
//
// # Teacher notes
//
// What to point at:
//
//   - Inversion of control: before the first call the container's
//     inspector shows no instance of bank; the first call makes one
//     (create appears in the event log) and the reply names it (v1-#1).
//     Nobody called a constructor: the container did, when it needed one.
//   - The transaction line in the container's inspector: begun, then
//     committed or rolled back with the reason. bank.star has no word about
//     transactions; bank.yaml has.
//   - The refused call: no instance is created and no transaction begun;
//     the role check comes before the component runs.
//   - The cart's file in the data directory while it is passivated, and the
//     same items after activation.
//   - After a hot deploy, the reply's version changes for the next call,
//     while a call already running finishes on the old one.
//
// The usual wrong answers:
//
//   - "The client gets an object and calls it." It gets a name; the
//     instance stays inside the container, and two calls may meet two
//     different instances of a stateless component.
//   - "The component commits its own work." It cannot even see the
//     transaction; the container commits when the method returns.
//   - "A stateful instance lives in memory until its session ends." The
//     container may write it to disk at any idle moment and bring it back.
//   - "Stateless means the component has no data." It keeps its data in
//     the database; only the instance holds nothing between calls.
//   - "A container crash loses the bank." The database is on disk; what
//     is lost are the stateful sessions, which lived in the container.
package container
