package bridge

// The answer's side of a *sql.DB the tests handed over: a database/sql pool of its own
// (so the answer configures and uses it as any *sql.DB) whose driver sends every query,
// exec, ping and transaction to the tests' database and returns what it answered.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"reflect"
	"strconv"
	"sync"
	"time"
)

type remoteDatabases struct {
	mu       sync.Mutex
	dbs      map[string]*sql.DB
	reported map[string]poolState
}

var remote = &remoteDatabases{dbs: map[string]*sql.DB{}, reported: map[string]poolState{}}

func (r *remoteDatabases) database(token string, port int) *sql.DB {
	r.mu.Lock()
	defer r.mu.Unlock()
	db, ok := r.dbs[token]
	if !ok {
		db = sql.OpenDB(&connector{token: token, address: "127.0.0.1:" + strconv.Itoa(port)})
		r.dbs[token] = db
	}
	return db
}

// changedPools: the pool settings of every database whose settings changed since they were
// last reported (database/sql keeps them in unexported fields, read here).
func (r *remoteDatabases) changedPools() map[string]poolState {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := map[string]poolState{}
	for token, db := range r.dbs {
		v := reflect.ValueOf(db).Elem()
		state := poolState{
			MaxOpen:     v.FieldByName("maxOpen").Int(),
			MaxIdle:     v.FieldByName("maxIdleCount").Int(),
			MaxLifetime: v.FieldByName("maxLifetime").Int(),
			MaxIdleTime: v.FieldByName("maxIdleTime").Int(),
			Closed:      v.FieldByName("closed").Bool(),
		}
		if state != r.reported[token] {
			changed[token] = state
			r.reported[token] = state
		}
	}
	if len(changed) == 0 {
		return nil
	}
	return changed
}

type connector struct {
	token   string
	address string
}

func (c *connector) Connect(context.Context) (driver.Conn, error) { return &conn{c: c}, nil }
func (c *connector) Driver() driver.Driver                        { return remoteDriver{} }

type remoteDriver struct{}

func (remoteDriver) Open(string) (driver.Conn, error) {
	return nil, errors.New("llmcode bridge: this database comes from the tests")
}

// conn is a connection of the answer's pool; it holds nothing of the tests' but the
// transaction it is in.
type conn struct {
	c  *connector
	tx string
}

func (c *conn) ask(ctx context.Context, req dbRequest) (dbReply, error) {
	req.DB, req.Tx = c.c.token, c.tx
	if ctx != nil {
		req.Ctx = encodeContext(reflect.ValueOf(&ctx).Elem()).(map[string]any)["ctx"].(map[string]any)
	}
	dialer := net.Dialer{Timeout: 10 * time.Second}
	link, err := dialer.DialContext(context.Background(), "tcp", c.c.address)
	if err != nil {
		return dbReply{}, driver.ErrBadConn
	}
	defer link.Close()
	deadlineFor(link, time.Now().Add(time.Minute))
	var out dbReply
	if err := writeLine(link, req); err != nil {
		return dbReply{}, err
	}
	if err := readLine(link, &out); err != nil {
		return dbReply{}, err
	}
	if out.Err != nil {
		return out, errors.New(*out.Err)
	}
	return out, nil
}

func namedArgs(args []driver.NamedValue) ([]dbArg, error) {
	out := make([]dbArg, len(args))
	for i, arg := range args {
		value, err := encodeValue(arg.Value)
		if err != nil {
			return nil, err
		}
		out[i] = dbArg{Name: arg.Name, Value: value}
	}
	return out, nil
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	encoded, err := namedArgs(args)
	if err != nil {
		return nil, err
	}
	out, err := c.ask(ctx, dbRequest{Op: "query", Query: query, Args: encoded})
	if err != nil {
		return nil, err
	}
	result := &rows{columns: out.Columns}
	for _, row := range out.Rows {
		values := make([]driver.Value, len(row))
		for i, raw := range row {
			if values[i], err = decodeValue(raw); err != nil {
				return nil, err
			}
		}
		result.data = append(result.data, values)
	}
	if out.RowsErr != nil {
		result.err = errors.New(*out.RowsErr)
	}
	return result, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	encoded, err := namedArgs(args)
	if err != nil {
		return nil, err
	}
	out, err := c.ask(ctx, dbRequest{Op: "exec", Query: query, Args: encoded})
	if err != nil {
		return nil, err
	}
	return result(out), nil
}

func (c *conn) Ping(ctx context.Context) error {
	_, err := c.ask(ctx, dbRequest{Op: "ping"})
	return err
}

func (c *conn) Prepare(query string) (driver.Stmt, error) { return &stmt{c: c, query: query}, nil }

func (c *conn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	return c.Prepare(query)
}

func (c *conn) Close() error { return nil }

func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	out, err := c.ask(ctx, dbRequest{Op: "begin", Isolation: int(opts.Isolation), ReadOnly: opts.ReadOnly})
	if err != nil {
		return nil, err
	}
	c.tx = out.Tx
	return &tx{c: c}, nil
}

type tx struct{ c *conn }

func (t *tx) Commit() error   { return t.end("commit") }
func (t *tx) Rollback() error { return t.end("rollback") }

func (t *tx) end(op string) error {
	_, err := t.c.ask(context.Background(), dbRequest{Op: op})
	t.c.tx = ""
	return err
}

type stmt struct {
	c     *conn
	query string
}

func (s *stmt) Close() error  { return nil }
func (s *stmt) NumInput() int { return -1 }

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.c.ExecContext(context.Background(), s.query, named(args))
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.c.QueryContext(context.Background(), s.query, named(args))
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.c.ExecContext(ctx, s.query, args)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.c.QueryContext(ctx, s.query, args)
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

type rows struct {
	columns []string
	data    [][]driver.Value
	next    int
	err     error
}

func (r *rows) Columns() []string { return r.columns }
func (r *rows) Close() error      { return nil }

func (r *rows) Next(dest []driver.Value) error {
	if r.next < len(r.data) {
		copy(dest, r.data[r.next])
		r.next++
		return nil
	}
	if r.err != nil {
		return r.err
	}
	return io.EOF
}

type result dbReply

func (r result) LastInsertId() (int64, error) {
	if r.InsertIDErr != nil {
		return 0, errors.New(*r.InsertIDErr)
	}
	if r.InsertID == nil {
		return 0, errors.New("no last insert id")
	}
	return *r.InsertID, nil
}

func (r result) RowsAffected() (int64, error) {
	if r.AffectedErr != nil {
		return 0, errors.New(*r.AffectedErr)
	}
	if r.Affected == nil {
		return 0, errors.New("no rows affected count")
	}
	return *r.Affected, nil
}
