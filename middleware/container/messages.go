package container

// The message types of the container's remote interface. A request of
// type T is answered by T+"_ok" or by an error envelope whose reason is one
// sentence (an unknown method, a refused role, a rolled back transaction).
const (
	TypeCall     = "call"     // CallRequest -> call_ok CallReply: run one business method
	TypeDeploy   = "deploy"   // DeployRequest -> deploy_ok DeployReply: install a component, or a new version of it
	TypeUndeploy = "undeploy" // UndeployRequest -> undeploy_ok DeployReply: take a component out
	TypeStatus   = "status"   // {} -> status_ok Status: the components and their instances

	TypeCallOK     = TypeCall + "_ok"
	TypeDeployOK   = TypeDeploy + "_ok"
	TypeUndeployOK = TypeUndeploy + "_ok"
	TypeStatusOK   = TypeStatus + "_ok"
)

// Messages maps each message type to the type of its body, for tools that
// check names against the protocol (the catalogue's CheckProtocol).
var Messages = map[string]any{
	TypeCall: CallRequest{}, TypeCallOK: CallReply{},
	TypeDeploy: DeployRequest{}, TypeDeployOK: DeployReply{},
	TypeUndeploy: UndeployRequest{}, TypeUndeployOK: DeployReply{},
	TypeStatus: struct{}{}, TypeStatusOK: Status{},
}

// CallRequest is the body of call. Method is COMPONENT.METHOD
// ("bank.transfer"). User is who calls: the container looks up the user's
// roles in the component's descriptor. Session names the caller's
// conversation with a stateful component; a stateless one ignores it.
type CallRequest struct {
	Method  string `json:"method"`
	Args    []any  `json:"args,omitempty"`
	User    string `json:"user,omitempty"`
	Session string `json:"session,omitempty"`
}

// CallReply is the body of call_ok: the method's result, the version of
// the component that ran it, the instance that ran it, and what the
// container did with the transaction ("committed", or "none" for a method
// that runs without one).
type CallReply struct {
	Result      any    `json:"result"`
	Version     int    `json:"version"`
	Instance    string `json:"instance"`
	Transaction string `json:"transaction"`
}

// DeployRequest is the body of deploy: a deployment descriptor (YAML, as
// the application assembler wrote it) and the component's script (the bean
// provider's code). The deploy command reads both from files.
type DeployRequest struct {
	Descriptor string `json:"descriptor"`
	Script     string `json:"script"`
}

// DeployReply is the body of deploy_ok and undeploy_ok.
type DeployReply struct {
	Component string `json:"component"`
	Version   int    `json:"version"`
}

// UndeployRequest is the body of undeploy.
type UndeployRequest struct {
	Component string `json:"component"`
}

// Status is the body of status_ok: one line per component.
type Status struct {
	Components []ComponentStatus `json:"components"`
}

// ComponentStatus describes one deployed component.
type ComponentStatus struct {
	Name      string `json:"name"`
	Version   int    `json:"version"`
	Kind      string `json:"kind"`
	Instances int    `json:"instances"` // alive now: pooled, or one per active session
	Busy      int    `json:"busy"`      // serving a call now (stateless)
	Pool      int    `json:"pool,omitempty"`
}
