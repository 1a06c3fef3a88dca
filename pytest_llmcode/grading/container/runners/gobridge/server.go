package bridge

// The answer's side: the generated server (gen/) around the answer's package serves the
// stand-in's calls, one connection each, in the answer's own process and container.

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"reflect"
	"runtime/debug"
	"strconv"
	"sync"
	"time"
)

// Invocation is one call the tests made: the generated code reads its receiver and
// arguments into typed variables and returns pointers to its typed results.
type Invocation struct {
	req request
}

// Func serves one function or method of the case's API.
type Func func(*Invocation) []any

// Recv sets the receiver (into points to a variable of the receiver's type).
func (c *Invocation) Recv(into any) {
	c.read(c.req.Recv, into, "the receiver")
}

// Arg sets argument i (into points to a variable of the parameter's type).
func (c *Invocation) Arg(i int, into any) {
	if i >= len(c.req.Args) {
		panic(&Fault{fmt.Sprintf("argument %d is missing", i+1)})
	}
	c.read(c.req.Args[i], into, fmt.Sprintf("argument %d", i+1))
}

func (c *Invocation) read(raw any, into any, what string) {
	if err := decode(answer, raw, reflect.ValueOf(into).Elem(), 0); err != nil {
		panic(&Fault{fmt.Sprintf("%s does not fit the answer's parameter: %v", what, err)})
	}
}

// ServeHandle declares *T an opaque type of the case: its values stay here, in a table,
// and cross as references.
func ServeHandle[T any]() {
	table.types[reflect.TypeOf((*T)(nil))] = true
}

// Serve answers calls on the loopback port given as the first argument, forever.
func Serve(funcs map[string]Func) {
	listener, err := net.Listen("tcp", "127.0.0.1:"+os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "llmcode bridge: cannot listen: %v\n", err)
		os.Exit(BridgeFailure)
	}
	for {
		conn, err := listener.Accept()
		if err != nil {
			time.Sleep(10 * time.Millisecond) // out of descriptors, say: the answer's doing
			continue
		}
		go serveConn(conn, funcs)
	}
}

func serveConn(conn net.Conn, funcs map[string]Func) {
	defer conn.Close()
	deadlineFor(conn, time.Now().Add(time.Minute))
	var req request
	if err := readLine(conn, &req); err != nil {
		return
	}
	_ = conn.SetDeadline(time.Time{}) // the answer takes what time the tests give it
	out := invoke(funcs, req)
	out.Pools = remote.changedPools()
	if err := writeLine(conn, out); err != nil {
		text := fmt.Sprintf("the answer's results cannot be sent: %v", err)
		_ = writeLine(conn, reply{Fault: text})
	}
}

// invoke runs the call; a panic of the answer's is its failure, reported to the tests.
func invoke(funcs map[string]Func, req request) (out reply) {
	fn, ok := funcs[req.Call]
	if !ok {
		return reply{Fault: fmt.Sprintf("no function %s in the bridge", req.Call)}
	}
	returned := false
	defer func() {
		if returned {
			return
		}
		recovered := recover()
		if fault, ok := recovered.(*Fault); ok {
			out = reply{Fault: fault.Message}
			return
		}
		text := "runtime.Goexit was called"
		if recovered != nil {
			text = fmt.Sprint(recovered) + "\n" + string(debug.Stack())
		}
		out = reply{Panic: &text}
	}()
	results := fn(&Invocation{req})
	returned = true
	out.Results = make([]any, len(results))
	for i, result := range results {
		encoded, err := encode(answer, reflect.ValueOf(result).Elem(), 0)
		if err != nil {
			return reply{Fault: fmt.Sprintf("result %d cannot cross: %v", i+1, err)}
		}
		out.Results[i] = encoded
	}
	return out
}

type handleTable struct {
	mu      sync.Mutex
	types   map[reflect.Type]bool
	byRef   map[string]reflect.Value
	byValue map[any]string
}

var table = &handleTable{types: map[reflect.Type]bool{}, byRef: map[string]reflect.Value{},
	byValue: map[any]string{}}

type answerSide struct{}

var answer answerSide

func (answerSide) encodeHandle(v reflect.Value) (any, bool, error) {
	if !table.types[v.Type()] {
		return nil, false, nil
	}
	if v.IsNil() {
		return nil, true, nil
	}
	table.mu.Lock()
	defer table.mu.Unlock()
	key := v.Interface()
	ref, ok := table.byValue[key]
	if !ok {
		ref = "h" + strconv.Itoa(len(table.byRef)+1)
		table.byRef[ref] = v
		table.byValue[key] = ref
	}
	return map[string]any{"ref": ref}, true, nil
}

func (answerSide) decodeHandle(ref string, t reflect.Type) (reflect.Value, bool, error) {
	if !table.types[t] {
		return reflect.Value{}, false, nil
	}
	table.mu.Lock()
	defer table.mu.Unlock()
	v, ok := table.byRef[ref]
	if !ok || v.Type() != t {
		return reflect.Value{}, true, faultf("no %s of the answer's is called %q", t, ref)
	}
	return v, true, nil
}

func (answerSide) encodeDB(*sql.DB) (any, error) {
	return nil, faultf("the answer cannot hand a *sql.DB to the tests")
}

func (answerSide) decodeDB(raw map[string]any) (*sql.DB, error) {
	token, _ := raw["token"].(string)
	port, err := strconv.Atoi(fmt.Sprint(raw["port"]))
	if token == "" || err != nil {
		return nil, faultf("%s is not a database of the tests", describe(raw))
	}
	return remote.database(token, port), nil
}

func (answerSide) decodeContext(raw map[string]any) (context.Context, error) {
	// Never cancelled here: a context the tests handed over lives as long as theirs would.
	ctx, _ := contextFrom(raw)
	return ctx, nil
}
