#!/usr/bin/env python3
"""Produce and consume through the dsdemo broker, with nothing but the
standard library: the wire is one JSON object per line over TCP.

    python3 produce_consume.py [HOST:PORT]     (default 127.0.0.1:7700)

It sends three persistent messages to queue:py (each confirmed by
send_ok), publishes a fourth (no reply: the sender goes on), subscribes
with pull and explicit acks, pulls them, acknowledges each and prints one
line per message.
"""
import json
import socket
import sys


class Broker:
    def __init__(self, addr):
        host, port = addr.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.lines = self.sock.makefile("r", encoding="utf-8")
        self.next_id = 0

    def call(self, typ, body):
        """Send one request and return the body of its reply."""
        self.next_id += 1
        env = {"from": "python", "type": typ, "id": self.next_id, "body": body}
        self.sock.sendall((json.dumps(env) + "\n").encode("utf-8"))
        while True:
            reply = json.loads(self.lines.readline())
            if reply.get("reply_to") != self.next_id:
                if reply["type"] == "error" and "publish" in reply.get("body", {}):
                    print("publish %d refused: %s" % (reply["body"]["publish"], reply["body"]["reason"]))
                continue  # a deliver, a refused publish, or the answer to something else
            if reply["type"] == "error":
                raise RuntimeError(reply["body"]["reason"])
            return reply.get("body", {})

    def publish(self, dest, text):
        """Send a non-persistent message without waiting: the broker answers
        a publish only when it refuses it, with an error line that names
        the publish's id in its body (reply_to is 0)."""
        self.next_id += 1
        env = {"from": "python", "type": "publish", "id": self.next_id, "body": {"dest": dest, "text": text}}
        self.sock.sendall((json.dumps(env) + "\n").encode("utf-8"))
        return self.next_id


def main():
    addr = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:7700"
    b = Broker(addr)
    for text in ["one", "two", "three"]:
        sent = b.call("send", {"dest": "queue:py", "text": text, "persistent": True})
        print("sent #%d: %s" % (sent["msg"], text))
    b.publish("queue:py", "four")
    print("published: four")
    sub = b.call("subscribe", {"dest": "queue:py", "mode": "pull", "ack": "explicit"})["sub"]
    got = 0
    while got < 4:
        for m in b.call("pull", {"sub": sub, "max": 10, "wait_ms": 2000})["messages"]:
            b.call("ack", {"sub": sub, "msg": m["msg"]})
            print("got #%d delivery %d: %s -> acked" % (m["msg"], m["count"], m["text"]))
            got += 1


if __name__ == "__main__":
    main()
