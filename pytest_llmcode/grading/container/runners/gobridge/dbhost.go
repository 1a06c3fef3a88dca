package bridge

// The tests' side of a *sql.DB handed to the answer: every query the answer's database
// makes arrives here and runs on the tests' own *sql.DB (and so reaches the tests' driver,
// a fake one say, exactly as the answer's query would have in one process); the pool
// settings the answer made are applied to it after each call.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"time"
)

type dbRequest struct {
	DB        string         `json:"db"`
	Op        string         `json:"op"` // query | exec | ping | begin | commit | rollback
	Tx        string         `json:"tx,omitempty"`
	Query     string         `json:"query,omitempty"`
	Args      []dbArg        `json:"args,omitempty"`
	Ctx       map[string]any `json:"ctx,omitempty"`
	Isolation int            `json:"isolation,omitempty"`
	ReadOnly  bool           `json:"read_only,omitempty"`
}

type dbArg struct {
	Name  string `json:"name,omitempty"`
	Value any    `json:"value"`
}

type dbReply struct {
	Err         *string  `json:"err,omitempty"`
	Columns     []string `json:"columns,omitempty"`
	Rows        [][]any  `json:"rows,omitempty"`
	RowsErr     *string  `json:"rows_err,omitempty"`
	Tx          string   `json:"tx,omitempty"`
	Affected    *int64   `json:"rows_affected,omitempty"`
	AffectedErr *string  `json:"affected_err,omitempty"`
	InsertID    *int64   `json:"last_insert_id,omitempty"`
	InsertIDErr *string  `json:"insert_id_err,omitempty"`
}

type hostedDB struct {
	db      *sql.DB
	applied poolState
}

type dbHost struct {
	mu       sync.Mutex
	port     int
	listener net.Listener
	dbs      map[string]*hostedDB
	tokens   map[*sql.DB]string
	txs      map[string]*sql.Tx
}

// share makes db reachable from the answer's container (once) and returns its token and
// the port its queries come to.
func (h *dbHost) share(db *sql.DB) (string, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.listener == nil {
		h.start()
	}
	token, ok := h.tokens[db]
	if !ok {
		token = randomToken()
		h.tokens[db] = token
		h.dbs[token] = &hostedDB{db: db}
	}
	return token, h.port
}

// start listens on the loopback and has the port forwarded to the answer's container.
func (h *dbHost) start() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		harnessFailure("cannot listen for the answer's database calls: %v", err)
	}
	h.listener = listener
	h.port = listener.Addr().(*net.TCPAddr).Port
	if registry := os.Getenv("LLMCODE_REGISTRY"); registry != "" {
		if err := register(registry, h.port); err != nil {
			harnessFailure("cannot make the tests' database reachable from the answer: %v", err)
		}
	}
	go h.serve()
}

// register asks the tester to forward port to the answer's container (tester.py's registry).
func register(registry string, port int) error {
	conn, err := net.DialTimeout("unix", registry, 10*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	deadlineFor(conn, time.Now().Add(10*time.Second))
	if _, err := fmt.Fprintf(conn, "%d\n", port); err != nil {
		return err
	}
	var answer map[string]any
	if err := readLine(conn, &answer); err != nil {
		return err
	}
	if fmt.Sprint(answer["forward"]) != strconv.Itoa(port) {
		return fmt.Errorf("the tester did not forward port %d: %s", port, describe(answer))
	}
	return nil
}

const maxDBConnections = 64

func (h *dbHost) serve() {
	busy := make(chan struct{}, maxDBConnections)
	for {
		conn, err := h.listener.Accept()
		if err != nil {
			return
		}
		select {
		case busy <- struct{}{}:
		default:
			conn.Close() // the answer opens connections faster than it uses them
			continue
		}
		go func() {
			defer func() { <-busy }()
			defer conn.Close()
			deadlineFor(conn, time.Now().Add(time.Minute))
			var req dbRequest
			if err := readLine(conn, &req); err != nil {
				return
			}
			_ = writeLine(conn, h.handle(req))
		}()
	}
}

func (h *dbHost) handle(req dbRequest) (out dbReply) {
	fail := func(err error) dbReply {
		text := err.Error()
		return dbReply{Err: &text}
	}
	h.mu.Lock()
	hosted := h.dbs[req.DB]
	tx, inTx := h.txs[req.Tx]
	h.mu.Unlock()
	if hosted == nil || (req.Tx != "" && !inTx) {
		return fail(fmt.Errorf("llmcode bridge: no such database or transaction"))
	}
	ctx, cancel := contextFrom(req.Ctx)
	defer cancel()
	args := make([]any, len(req.Args))
	for i, arg := range req.Args {
		value, err := decodeValue(arg.Value)
		if err != nil {
			return fail(err)
		}
		args[i] = value
		if arg.Name != "" {
			args[i] = sql.Named(arg.Name, value)
		}
	}
	type queryer interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}
	var target queryer = hosted.db
	if inTx {
		target = tx
	}
	switch req.Op {
	case "query":
		rows, err := target.QueryContext(ctx, req.Query, args...)
		if err != nil {
			return fail(err)
		}
		defer rows.Close()
		return readRows(rows)
	case "exec":
		result, err := target.ExecContext(ctx, req.Query, args...)
		if err != nil {
			return fail(err)
		}
		return execReply(result)
	case "ping":
		if err := hosted.db.PingContext(ctx); err != nil {
			return fail(err)
		}
		return dbReply{}
	case "begin":
		opts := &sql.TxOptions{Isolation: sql.IsolationLevel(req.Isolation), ReadOnly: req.ReadOnly}
		// Not the call's context: a transaction outlives the call that begins it.
		begun, err := hosted.db.BeginTx(context.Background(), opts)
		if err != nil {
			return fail(err)
		}
		token := randomToken()
		h.mu.Lock()
		h.txs[token] = begun
		h.mu.Unlock()
		return dbReply{Tx: token}
	case "commit", "rollback":
		if !inTx {
			return fail(fmt.Errorf("llmcode bridge: no transaction"))
		}
		h.mu.Lock()
		delete(h.txs, req.Tx)
		h.mu.Unlock()
		var err error
		if req.Op == "commit" {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			return fail(err)
		}
		return dbReply{}
	}
	return fail(fmt.Errorf("llmcode bridge: unknown database operation %q", req.Op))
}

func readRows(rows *sql.Rows) dbReply {
	columns, err := rows.Columns()
	if err != nil {
		text := err.Error()
		return dbReply{Err: &text}
	}
	out := dbReply{Columns: columns, Rows: [][]any{}}
	for rows.Next() {
		values := make([]any, len(columns))
		pointers := make([]any, len(columns))
		for i := range values {
			pointers[i] = &values[i]
		}
		if err := rows.Scan(pointers...); err != nil {
			text := err.Error()
			out.RowsErr = &text
			return out
		}
		row := make([]driver.Value, len(values))
		for i, v := range values {
			row[i] = v
		}
		encoded, err := encodeValues(row)
		if err != nil {
			text := err.Error()
			out.RowsErr = &text
			return out
		}
		out.Rows = append(out.Rows, encoded)
	}
	if err := rows.Err(); err != nil {
		text := err.Error()
		out.RowsErr = &text
	}
	return out
}

func execReply(result sql.Result) dbReply {
	var out dbReply
	if n, err := result.RowsAffected(); err != nil {
		text := err.Error()
		out.AffectedErr = &text
	} else {
		out.Affected = &n
	}
	if n, err := result.LastInsertId(); err != nil {
		text := err.Error()
		out.InsertIDErr = &text
	} else {
		out.InsertID = &n
	}
	return out
}

// apply sets on the tests' databases the pool settings the answer made on its side.
func (h *dbHost) apply(pools map[string]poolState) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for token, want := range pools {
		hosted := h.dbs[token]
		if hosted == nil {
			continue
		}
		db, had := hosted.db, hosted.applied
		if want.MaxOpen != had.MaxOpen {
			db.SetMaxOpenConns(int(want.MaxOpen))
		}
		if want.MaxIdle != had.MaxIdle || want.MaxOpen != had.MaxOpen {
			switch {
			case want.MaxIdle > 0:
				db.SetMaxIdleConns(int(want.MaxIdle))
			case want.MaxIdle < 0:
				db.SetMaxIdleConns(0)
			}
		}
		if want.MaxLifetime != had.MaxLifetime {
			db.SetConnMaxLifetime(time.Duration(want.MaxLifetime))
		}
		if want.MaxIdleTime != had.MaxIdleTime {
			db.SetConnMaxIdleTime(time.Duration(want.MaxIdleTime))
		}
		if want.Closed && !had.Closed {
			db.Close()
		}
		hosted.applied = want
	}
}

func randomToken() string {
	data := make([]byte, 12)
	if _, err := rand.Read(data); err != nil {
		harnessFailure("no randomness: %v", err)
	}
	return hex.EncodeToString(data)
}
