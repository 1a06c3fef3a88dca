package bridge

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"time"
)

// MaxMessage bounds one line of the protocol either way.
const MaxMessage = 64 << 20

type request struct {
	Call string `json:"call"`
	Recv any    `json:"recv,omitempty"`
	Args []any  `json:"args"`
}

type reply struct {
	Results []any `json:"results,omitempty"`
	// The answer panicked (or its goroutine exited) inside the call.
	Panic *string `json:"panic,omitempty"`
	// The call could not be made: an argument or a result did not fit.
	Fault string `json:"fault,omitempty"`
	// Pool settings of the databases the answer was given, where they changed.
	Pools map[string]poolState `json:"pools,omitempty"`
}

type poolState struct {
	MaxOpen     int64 `json:"max_open"`
	MaxIdle     int64 `json:"max_idle"` // as database/sql keeps it: 0 default, < 0 none
	MaxLifetime int64 `json:"max_lifetime_ns"`
	MaxIdleTime int64 `json:"max_idle_time_ns"`
	Closed      bool  `json:"closed"`
}

func writeLine(conn net.Conn, message any) error {
	data, err := json.Marshal(message)
	if err != nil {
		return err
	}
	_, err = conn.Write(append(data, '\n'))
	return err
}

// readLine reads one message of at most MaxMessage bytes, numbers kept exact.
func readLine(conn net.Conn, into any) error {
	line, err := bufio.NewReaderSize(io.LimitReader(conn, MaxMessage+1), 1<<16).ReadBytes('\n')
	if err != nil {
		if err == io.EOF && len(line) > MaxMessage {
			return faultf("a message longer than %d bytes", MaxMessage)
		}
		return err
	}
	decoder := json.NewDecoder(bytes.NewReader(line))
	decoder.UseNumber()
	return decoder.Decode(into)
}

func deadlineFor(conn net.Conn, until time.Time) {
	if !until.IsZero() {
		_ = conn.SetDeadline(until)
	}
}
