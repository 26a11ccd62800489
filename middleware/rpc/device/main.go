// Command device is a Jini service, a printer or a projector: it finds
// the lookup services, joins each with its attributes, its signed proxy
// and a lease, renews the leases, and joins again where one was lost.
// Clients use it through the proxy they download, never a driver.
package main

import (
	"context"
	"os"

	"dsdemo/middleware/rpc"
	"dsdemo/models/program"
)

func main() {
	p := program.New("device", "jini", "127.0.0.1:7830", "--kind printer|projector --lookup ADDR,ADDR [--attr K=V,K=V --lease D --key NAME.key|demo --lan]")
	cfg := rpc.DefaultDeviceConfig()
	p.Flags.StringVar(&cfg.Kind, "kind", cfg.Kind, "what this device is: printer or projector")
	p.Flags.Func("lookup", "the lookup services' addresses, `ADDR,ADDR` (unicast discovery)", func(s string) error {
		cfg.Lookups = program.List(s)
		return nil
	})
	p.Flags.BoolVar(&cfg.LAN, "lan", false, "also find lookup services by multicast on the local network (they need --lan too)")
	p.Flags.StringVar(&cfg.Service, "service", "", "the `NAME` to join under (default: the kind)")
	p.Flags.Func("attr", "the attributes to join with, `K=V,K=V` (default: the kind's, e.g. room=101)", func(s string) (err error) {
		cfg.Attributes, err = rpc.ParseAttributes(s)
		return err
	})
	p.Flags.DurationVar(&cfg.Lease, "lease", cfg.Lease, "the lease to ask each lookup service for; renewed at a third of what it grants")
	p.Flags.StringVar(&cfg.Key, "key", cfg.Key, "the vendor's key that signs the proxy: a `NAME.key` file, or demo")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "how long to wait for a lookup service")
	p.Flags.BoolVar(&cfg.Tamper, "tamper", false, "change the proxy after signing it (a forgery clients must refuse)")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return rpc.RunDevice(ctx, env, cfg)
	}))
}
