package wire_test

import (
	"context"
	"encoding/json"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// A body a program gives as raw JSON that is not JSON is refused before
// the message takes an id or a tick of the clock, in encoding/json's
// words; raw JSON that only needs compacting is compacted and sent.
func TestCallRefusesARawBodyThatIsNotJSON(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	n := wire.NewNode("client")
	c := wire.NewConn(n, client)
	defer c.Close()
	clock := n.Clock.Now()
	_, err := c.Call(programtest.Context(t), "server", "x", json.RawMessage(`{"a":`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "encode x body: json: error calling MarshalJSON for type json.RawMessage")
	assert.Equal(t, clock, n.Clock.Now(), "the clock did not tick for a message never sent")
	assert.Equal(t, uint64(1), n.NextID(), "no id was taken")

	addr := startServer(t, wire.NewNode("server"), func(_ context.Context, req wire.Envelope) (any, error) {
		return req.Body, nil
	})
	c = dial(t, wire.NewNode("client"), addr)
	reply, err := c.Call(programtest.Context(t), "server", "x", json.RawMessage("{ \"a\" : 1 }"))
	require.NoError(t, err)
	assert.Equal(t, `{"a":1}`, string(reply.Body), "sent compacted, as json.Marshal does")
}
