"""A dsdemo trace collector in Python: proof that a program in any language
can watch a demo. Standard library only, Python 3.9 or newer.

    python3 collector.py PORT [--delay MS] [--max N]

It listens on 127.0.0.1:PORT (0 picks a free port), prints one line for each
event of every program that connects to it, and with --delay asks each
program to slow its messages down. The protocol is in ../PROTOCOL.md.
"""
import argparse, itertools, json, os, socketserver, threading

ap = argparse.ArgumentParser(description="print the trace events of dsdemo programs")
ap.add_argument("port", type=int, help="port on 127.0.0.1 to listen on, 0 for any free one")
ap.add_argument("--delay", type=int, metavar="MS", help="ask each program to delay its messages")
ap.add_argument("--max", type=int, metavar="N", help="exit after N events")
args = ap.parse_args()
lock, counter = threading.Lock(), itertools.count(1)  # the lock guards counter and stdout


def describe(ev):
    m = ev.get("msg")
    if m:  # send, recv, hold: a message and the node's Lamport time
        peer = "from " + m["from"] if ev["ev"] == "recv" else "to " + m["to"]
        return f'{m["type"]} {peer} id {m["id"]} clock {ev["clock"]} {ev.get("fault", "")}'
    # hello, state, log, overflow, bye, and kinds newer than this script
    return " ".join(f"{k}={v}" for k, v in ev.items() if k not in ("v", "ev", "node", "seq", "t"))


class Program(socketserver.StreamRequestHandler):
    def handle(self):  # one program's connection: events in, control lines out
        for line in self.rfile:
            ev = json.loads(line)
            if ev["ev"] == "hello" and args.delay is not None:
                self.wfile.write(json.dumps({"v": 1, "ctl": "delay", "ms": args.delay}).encode() + b"\n")
            with lock:
                print(f'{ev["node"]}  {ev["ev"]}  {describe(ev)}'.rstrip(), flush=True)
                if next(counter) == args.max:
                    os._exit(0)  # at once, even while programs are still connected


server = socketserver.ThreadingTCPServer(("127.0.0.1", args.port), Program)
server.daemon_threads = True  # a connected program does not keep the collector alive
print("collector on %s:%d" % server.server_address, flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
