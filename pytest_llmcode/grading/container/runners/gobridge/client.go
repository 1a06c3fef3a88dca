package bridge

// The tests' side: the generated stand-in of the `solution` package calls Call for every
// function and method of the case's API.

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"reflect"
	"strconv"
	"time"
)

// Ref names an object of one of the case's opaque types, which stays in the answer's
// process.
type Ref struct{ id string }

type handleCodec struct {
	make func(Ref) reflect.Value
	ref  func(reflect.Value) Ref
}

var handles = map[reflect.Type]handleCodec{}

// Handle declares *T an opaque type of the case: it crosses as a reference. The stand-in
// registers each of its opaque types with the functions that wrap and unwrap a Ref.
func Handle[T any](wrap func(Ref) *T, unwrap func(*T) Ref) {
	handles[reflect.TypeOf((*T)(nil))] = handleCodec{
		make: func(r Ref) reflect.Value { return reflect.ValueOf(wrap(r)) },
		ref:  func(v reflect.Value) Ref { return unwrap(v.Interface().(*T)) },
	}
}

// BridgeFailure is the exit status of a test process whose bridge could not work for a
// reason of the harness's own: the grading is then not the answer's to fail.
const BridgeFailure = 86

// Call forwards one call to the answer and sets the results. A failure the answer caused
// (it panicked, exited, or returned what does not fit the case's API) panics here, failing
// the test that made the call, as it would have in one process.
func Call(name string, recv any, args []any, results ...any) {
	deadline := callDeadline()
	message := request{Call: name, Args: make([]any, len(args))}
	var err error
	if recv != nil {
		if message.Recv, err = encode(tests, reflect.ValueOf(recv).Elem(), 0); err != nil {
			panic(fmt.Sprintf("calling the answer's %s: the receiver cannot cross: %v", name, err))
		}
	}
	for i, arg := range args {
		if message.Args[i], err = encode(tests, reflect.ValueOf(arg).Elem(), 0); err != nil {
			panic(fmt.Sprintf("calling the answer's %s: argument %d cannot cross: %v", name, i+1, err))
		}
	}
	conn, err := net.DialTimeout("tcp", "127.0.0.1:"+os.Getenv("LLMCODE_CALL_PORT"), time.Until(deadline))
	if err != nil {
		harnessFailure("cannot reach the answer's container: %v", err)
	}
	defer conn.Close()
	deadlineFor(conn, deadline)
	var answer reply
	if err := writeLine(conn, message); err != nil {
		panic(fmt.Sprintf("calling the answer's %s: the answer's process closed the connection "+
			"(it may have exited or crashed): %v", name, err))
	}
	if err := readLine(conn, &answer); err != nil {
		panic(fmt.Sprintf("calling the answer's %s: no reply from the answer's process "+
			"(it may have exited, crashed or run out of time): %v", name, err))
	}
	host.apply(answer.Pools)
	switch {
	case answer.Panic != nil:
		panic(fmt.Sprintf("the answer panicked in %s: %s", name, *answer.Panic))
	case answer.Fault != "":
		panic(fmt.Sprintf("calling the answer's %s: %s", name, answer.Fault))
	case len(answer.Results) != len(results):
		panic(fmt.Sprintf("calling the answer's %s: %d results where %d were expected",
			name, len(answer.Results), len(results)))
	}
	for i, into := range results {
		if err := decode(tests, answer.Results[i], reflect.ValueOf(into).Elem(), 0); err != nil {
			panic(fmt.Sprintf("the answer's %s returned what does not fit the case's API "+
				"(result %d): %v", name, i+1, err))
		}
	}
}

func callDeadline() time.Time {
	if seconds, err := strconv.ParseFloat(os.Getenv("LLMCODE_DEADLINE"), 64); err == nil {
		return time.Unix(0, int64(seconds*1e9))
	}
	return time.Now().Add(time.Minute)
}

// harnessFailure ends the test process with BridgeFailure: the harness, not the answer,
// could not do its part.
func harnessFailure(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "llmcode bridge: "+format+"\n", args...)
	os.Exit(BridgeFailure)
}

type testSide struct{}

var tests testSide

func (testSide) encodeHandle(v reflect.Value) (any, bool, error) {
	codec, ok := handles[v.Type()]
	if !ok {
		return nil, false, nil
	}
	if v.IsNil() {
		return nil, true, nil
	}
	return map[string]any{"ref": codec.ref(v).id}, true, nil
}

func (testSide) decodeHandle(ref string, t reflect.Type) (reflect.Value, bool, error) {
	codec, ok := handles[t]
	if !ok {
		return reflect.Value{}, false, nil
	}
	return codec.make(Ref{ref}), true, nil
}

func (testSide) encodeDB(db *sql.DB) (any, error) {
	token, port := host.share(db)
	return map[string]any{"db": map[string]any{"token": token, "port": port}}, nil
}

func (testSide) decodeDB(map[string]any) (*sql.DB, error) {
	return nil, faultf("the answer cannot hand a *sql.DB to the tests")
}

func (testSide) decodeContext(map[string]any) (context.Context, error) {
	return nil, faultf("the answer cannot hand a context to the tests")
}

var host = &dbHost{dbs: map[string]*hostedDB{}, tokens: map[*sql.DB]string{}, txs: map[string]*sql.Tx{}}
