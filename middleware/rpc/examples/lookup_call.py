#!/usr/bin/env python3
"""A client of the remote-call model in another language, standard library only.

It looks the bank up in the directory and calls Bank.Balance twice: once in
the json codec, once in the binary codec (big-endian, as doc.go's byte table
says). Nothing is shared with the Go programs but the protocol:
one JSON envelope per line over TCP.

    python3 lookup_call.py 127.0.0.1:7800 alice
"""
import json
import socket
import struct
import sys

NODE = "py-client"


class Peer:
    """One connection: it sends requests and reads the reply to each."""

    def __init__(self, addr):
        host, port = addr.rsplit(":", 1)
        self.sock = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        self.lines = self.sock.makefile("rb")
        self.id = 0
        self.clock = 0  # a Lamport clock: tick before a send, max+1 on a receive

    def call(self, typ, body):
        self.id += 1
        self.clock += 1
        msg = {"from": NODE, "type": typ, "id": self.id, "clock": self.clock, "body": body}
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = json.loads(self.lines.readline())
            self.clock = max(self.clock, reply.get("clock", 0)) + 1
            if reply.get("reply_to") != self.id:
                continue  # not ours (an event, say)
            if reply["type"] == "error":
                raise RuntimeError(reply["body"]["reason"])
            return reply["body"]


def binary_string(s):
    """The binary codec's string: a big-endian uint16 length, then UTF-8."""
    b = s.encode()
    return struct.pack(">H", len(b)) + b


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:7800"
    account = sys.argv[2] if len(sys.argv) > 2 else "alice"

    found = Peer(directory).call("lookup", {"name": "bank"})["matches"]
    if not found:
        sys.exit("the directory has no bank")
    addr = found[0]["address"]
    print(f"looked up bank: {found[0]['interface']} at {addr}, lease {found[0]['lease']}")

    bank = Peer(addr)
    res = bank.call("call", {"interface": "Bank", "method": "Balance", "codec": "json",
                             "args": {"account": account}})
    print(f"json:   {account} holds {res['results']['cents']} cents")

    args = binary_string(account).hex()
    res = bank.call("call", {"interface": "Bank", "method": "Balance", "codec": "binary", "args": args})
    (cents,) = struct.unpack(">q", bytes.fromhex(res["results"]))
    print(f"binary: {account} holds {cents} cents (sent {args}, got {res['results']})")


if __name__ == "__main__":
    main()
