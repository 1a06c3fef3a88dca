package solution

// Hidden tests for the go_review case. They register a standard-library-only fake
// database/sql driver that records every query with its arguments and answers the
// portable SELECTs the task needs (users by name, all users, orders for some users or
// all orders, users LEFT JOIN orders), so the tests can check *how* the answer talks to
// the database as well as what it returns. Helper names start with llmt to stay clear of
// the answer's own identifiers.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ---- fake driver ------------------------------------------------------------------------

type llmtUser struct {
	id          int64
	name, email string
}

type llmtOrder struct{ id, userID, amount int64 }

type llmtQuery struct {
	text string
	args []driver.Value
}

type llmtDB struct {
	mu            sync.Mutex
	users         []llmtUser
	orders        []llmtOrder
	queries       []llmtQuery
	failQueries   bool
	failRowsAfter int // a result set fails after this many rows; < 0 never
}

var (
	llmtRegistry = map[string]*llmtDB{}
	llmtMu       sync.Mutex
	llmtSeq      int
)

func init() { sql.Register("llmtfake", llmtDriver{}) }

type llmtDriver struct{}

func (llmtDriver) Open(dsn string) (driver.Conn, error) {
	llmtMu.Lock()
	defer llmtMu.Unlock()
	d, ok := llmtRegistry[dsn]
	if !ok {
		return nil, fmt.Errorf("fake driver: unknown dsn %q", dsn)
	}
	return &llmtConn{db: d}, nil
}

type llmtConn struct{ db *llmtDB }

func (c *llmtConn) Prepare(q string) (driver.Stmt, error) { return &llmtStmt{c: c, q: q}, nil }
func (c *llmtConn) Close() error                          { return nil }
func (c *llmtConn) Begin() (driver.Tx, error)             { return llmtTx{}, nil }

func (c *llmtConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.db.query(q, llmtValues(args))
}

func (c *llmtConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	c.db.record(q, llmtValues(args))
	return driver.RowsAffected(0), nil
}

func llmtValues(args []driver.NamedValue) []driver.Value {
	out := make([]driver.Value, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

type llmtTx struct{}

func (llmtTx) Commit() error   { return nil }
func (llmtTx) Rollback() error { return nil }

type llmtStmt struct {
	c *llmtConn
	q string
}

func (s *llmtStmt) Close() error  { return nil }
func (s *llmtStmt) NumInput() int { return -1 }
func (s *llmtStmt) Exec(args []driver.Value) (driver.Result, error) {
	s.c.db.record(s.q, args)
	return driver.RowsAffected(0), nil
}
func (s *llmtStmt) Query(args []driver.Value) (driver.Rows, error) { return s.c.db.query(s.q, args) }

type llmtRows struct {
	cols      []string
	data      [][]driver.Value
	i         int
	failAfter int
}

func (r *llmtRows) Columns() []string { return r.cols }
func (r *llmtRows) Close() error      { return nil }
func (r *llmtRows) Next(dest []driver.Value) error {
	if r.failAfter >= 0 && r.i >= r.failAfter {
		return errors.New("fake driver: connection reset while reading rows")
	}
	if r.i >= len(r.data) {
		return io.EOF
	}
	copy(dest, r.data[r.i])
	r.i++
	return nil
}

func (d *llmtDB) record(text string, args []driver.Value) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.queries = append(d.queries, llmtQuery{text: text, args: append([]driver.Value(nil), args...)})
}

func (d *llmtDB) query(text string, args []driver.Value) (driver.Rows, error) {
	d.record(text, args)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.failQueries {
		return nil, errors.New("fake driver: database unavailable")
	}
	cols, data, err := d.eval(text, args)
	if err != nil {
		return nil, err
	}
	return &llmtRows{cols: cols, data: data, failAfter: d.failRowsAfter}, nil
}

func (d *llmtDB) recorded() []llmtQuery {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]llmtQuery(nil), d.queries...)
}

func (d *llmtDB) reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.queries = nil
}

// ---- a tiny evaluator for the SELECTs this task needs ------------------------------------

var (
	llmtSpaces    = regexp.MustCompile(`\s+`)
	llmtTableRef  = regexp.MustCompile(`\b(users|orders)\b(?:\s+(?:as\s+)?([a-z_][a-z0-9_]*))?`)
	llmtNameEqLit = regexp.MustCompile(`(?i)\bname\s*=\s*'`)
	llmtInts      = regexp.MustCompile(`\b\d+\b`)
	llmtKeywords  = map[string]bool{"on": true, "left": true, "right": true, "inner": true, "outer": true,
		"join": true, "where": true, "order": true, "group": true, "limit": true, "using": true,
		"cross": true, "full": true, "natural": true}
	llmtColumns = map[string][]string{"users": {"id", "name", "email"}, "orders": {"id", "user_id", "amount_cents"}}
)

type llmtRow map[string]map[string]driver.Value // table -> column -> value; nil table = NULLs

// llmtTopLevel returns the index of the first occurrence of word (surrounded by spaces)
// outside parentheses, or -1.
func llmtTopLevel(s, word string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth == 0 && strings.HasPrefix(s[i:], word) {
			return i
		}
	}
	return -1
}

func llmtSplitTop(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(parts, strings.TrimSpace(s[start:]))
}

func (d *llmtDB) eval(text string, args []driver.Value) ([]string, [][]driver.Value, error) {
	q := strings.ToLower(strings.TrimSpace(llmtSpaces.ReplaceAllString(text, " ")))
	q = strings.TrimSuffix(q, ";")
	if !strings.HasPrefix(q, "select ") {
		return nil, nil, fmt.Errorf("fake driver: only SELECT is supported, got %q", text)
	}
	fromAt := llmtTopLevel(q, " from ")
	if fromAt < 0 {
		return nil, nil, fmt.Errorf("fake driver: no FROM in %q", text)
	}
	selectList := q[len("select "):fromAt]
	rest := q[fromAt+len(" from "):]
	fromClause, where := rest, ""
	for _, stop := range []string{" where ", " order by ", " group by ", " limit "} {
		if i := llmtTopLevel(fromClause, stop); i >= 0 {
			if stop == " where " {
				where = fromClause[i+len(stop):]
				for _, stop2 := range []string{" order by ", " group by ", " limit "} {
					if j := llmtTopLevel(where, stop2); j >= 0 {
						where = where[:j]
					}
				}
			}
			fromClause = fromClause[:i]
		}
	}

	aliases := map[string]string{}
	var tables []string
	for _, m := range llmtTableRef.FindAllStringSubmatch(fromClause, -1) {
		table := m[1]
		if len(tables) == 0 || tables[len(tables)-1] != table {
			tables = append(tables, table)
		}
		aliases[table] = table
		if m[2] != "" && !llmtKeywords[m[2]] {
			aliases[m[2]] = table
		}
	}
	if len(tables) == 0 {
		return nil, nil, fmt.Errorf("fake driver: unknown table in %q", text)
	}

	users := append([]llmtUser(nil), d.users...)
	sort.Slice(users, func(i, j int) bool { return users[i].id < users[j].id })
	orders := append([]llmtOrder(nil), d.orders...)
	sort.Slice(orders, func(i, j int) bool {
		if orders[i].userID != orders[j].userID {
			return orders[i].userID < orders[j].userID
		}
		return orders[i].id < orders[j].id
	})
	userRow := func(u llmtUser) map[string]driver.Value {
		return map[string]driver.Value{"id": u.id, "name": u.name, "email": u.email}
	}
	orderRow := func(o llmtOrder) map[string]driver.Value {
		return map[string]driver.Value{"id": o.id, "user_id": o.userID, "amount_cents": o.amount}
	}

	var rows []llmtRow
	switch {
	case len(tables) >= 2: // users joined with orders
		left := strings.Contains(fromClause, " left ") && tables[0] == "users"
		for _, u := range users {
			matched := false
			for _, o := range orders {
				if o.userID == u.id {
					matched = true
					rows = append(rows, llmtRow{"users": userRow(u), "orders": orderRow(o)})
				}
			}
			if !matched && left {
				rows = append(rows, llmtRow{"users": userRow(u), "orders": nil})
			}
		}
	case tables[0] == "users":
		keep, err := llmtUserFilter(text, where, args)
		if err != nil {
			return nil, nil, err
		}
		for _, u := range users {
			if keep(u) {
				rows = append(rows, llmtRow{"users": userRow(u)})
			}
		}
	default: // orders only
		var ids map[int64]bool
		if strings.Contains(where, "user_id") && !strings.Contains(where, "select ") {
			ids = map[int64]bool{}
			if len(args) > 0 {
				for _, a := range args {
					id, err := llmtInt(a)
					if err != nil {
						return nil, nil, err
					}
					ids[id] = true
				}
			} else {
				for _, s := range llmtInts.FindAllString(where, -1) {
					id, _ := strconv.ParseInt(s, 10, 64)
					ids[id] = true
				}
			}
		}
		for _, o := range orders {
			if ids == nil || ids[o.userID] {
				rows = append(rows, llmtRow{"orders": orderRow(o)})
			}
		}
	}

	type column struct {
		name string
		get  func(llmtRow) driver.Value
	}
	var cols []column
	for _, item := range llmtSplitTop(selectList) {
		item = strings.TrimPrefix(item, "distinct ")
		expanded, err := llmtResolve(item, tables, aliases)
		if err != nil {
			return nil, nil, fmt.Errorf("fake driver: %v in %q", err, text)
		}
		for _, c := range expanded {
			cols = append(cols, column{c.name, c.get})
		}
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	data := make([][]driver.Value, len(rows))
	for i, r := range rows {
		data[i] = make([]driver.Value, len(cols))
		for j, c := range cols {
			data[i][j] = c.get(r)
		}
	}
	return names, data, nil
}

type llmtCol struct {
	name string
	get  func(llmtRow) driver.Value
}

func llmtResolve(item string, tables []string, aliases map[string]string) ([]llmtCol, error) {
	// Drop "AS alias" or a bare trailing alias.
	if i := strings.LastIndex(item, " as "); i >= 0 && !strings.Contains(item[i:], ")") {
		item = strings.TrimSpace(item[:i])
	} else if fields := strings.Fields(item); len(fields) == 2 && !strings.Contains(fields[1], "(") && !strings.Contains(fields[1], ")") {
		item = fields[0]
	}
	if item == "*" {
		var out []llmtCol
		for _, t := range tables {
			for _, c := range llmtColumns[t] {
				out = append(out, llmtField(t, c))
			}
		}
		return out, nil
	}
	for _, fn := range []string{"coalesce(", "ifnull("} {
		if strings.HasPrefix(item, fn) && strings.HasSuffix(item, ")") {
			parts := llmtSplitTop(item[len(fn) : len(item)-1])
			if len(parts) != 2 {
				return nil, fmt.Errorf("unsupported %s", item)
			}
			inner, err := llmtResolve(parts[0], tables, aliases)
			if err != nil || len(inner) != 1 {
				return nil, fmt.Errorf("unsupported %s", item)
			}
			var def driver.Value
			if n, err := strconv.ParseInt(parts[1], 10, 64); err == nil {
				def = n
			} else if strings.HasPrefix(parts[1], "'") && strings.HasSuffix(parts[1], "'") && len(parts[1]) >= 2 {
				def = parts[1][1 : len(parts[1])-1]
			} else if parts[1] != "null" {
				return nil, fmt.Errorf("unsupported default in %s", item)
			}
			get := inner[0].get
			return []llmtCol{{inner[0].name, func(r llmtRow) driver.Value {
				if v := get(r); v != nil {
					return v
				}
				return def
			}}}, nil
		}
	}
	table, col := "", item
	if i := strings.Index(item, "."); i >= 0 {
		qual := item[:i]
		t, ok := aliases[qual]
		if !ok {
			return nil, fmt.Errorf("unknown table or alias %q", qual)
		}
		table, col = t, item[i+1:]
		if col == "*" {
			var out []llmtCol
			for _, c := range llmtColumns[table] {
				out = append(out, llmtField(table, c))
			}
			return out, nil
		}
	} else {
		for _, t := range tables {
			for _, c := range llmtColumns[t] {
				if c == col {
					table = t
					break
				}
			}
			if table != "" {
				break
			}
		}
	}
	for _, c := range llmtColumns[table] {
		if c == col {
			return []llmtCol{llmtField(table, col)}, nil
		}
	}
	return nil, fmt.Errorf("unknown column %q", item)
}

func llmtField(table, col string) llmtCol {
	return llmtCol{col, func(r llmtRow) driver.Value {
		m := r[table]
		if m == nil {
			return nil
		}
		return m[col]
	}}
}

// llmtUserFilter filters users by name: from the first argument when the query has
// arguments, otherwise from a name = '...' literal in the text, evaluated the way a real
// database would (so a concatenated ' OR '1'='1 matches every user).
func llmtUserFilter(text, where string, args []driver.Value) (func(llmtUser) bool, error) {
	if where == "" {
		return func(llmtUser) bool { return true }, nil
	}
	if !strings.Contains(where, "name") {
		return nil, fmt.Errorf("fake driver: unsupported WHERE in %q", text)
	}
	like := strings.Contains(where, " like ") || strings.Contains(where, " ilike ")
	if len(args) > 0 {
		want := fmt.Sprint(args[0])
		if b, ok := args[0].([]byte); ok {
			want = string(b)
		}
		if like {
			return func(u llmtUser) bool { return llmtLike(u.name, want) }, nil
		}
		return func(u llmtUser) bool { return u.name == want }, nil
	}
	loc := llmtNameEqLit.FindStringIndex(text)
	if loc == nil {
		return nil, fmt.Errorf("fake driver: cannot evaluate WHERE in %q", text)
	}
	var lit strings.Builder
	i := loc[1]
	for ; i < len(text); i++ {
		if text[i] == '\'' {
			if i+1 < len(text) && text[i+1] == '\'' {
				lit.WriteByte('\'')
				i++
				continue
			}
			break
		}
		lit.WriteByte(text[i])
	}
	literal, remainder := lit.String(), ""
	if i+1 < len(text) {
		remainder = strings.ToLower(text[i+1:])
	}
	if strings.Contains(remainder, " or ") { // injected tautology: every row matches
		return func(llmtUser) bool { return true }, nil
	}
	return func(u llmtUser) bool { return u.name == literal }, nil
}

func llmtLike(s, pattern string) bool {
	var re strings.Builder
	re.WriteString("(?s)^")
	for _, r := range pattern {
		switch r {
		case '%':
			re.WriteString(".*")
		case '_':
			re.WriteString(".")
		default:
			re.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	re.WriteString("$")
	return regexp.MustCompile(re.String()).MatchString(s)
}

func llmtInt(v driver.Value) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case string:
		return strconv.ParseInt(x, 10, 64)
	case []byte:
		return strconv.ParseInt(string(x), 10, 64)
	}
	return 0, fmt.Errorf("fake driver: unsupported argument %T", v)
}

// ---- fixtures ------------------------------------------------------------------------------

func llmtSampleUsers() []llmtUser {
	return []llmtUser{
		{1, "Alice", "alice@example.com"},
		{2, "Bob", "bob@example.com"},
		{3, "Carol", "carol@example.com"},
		{4, "Alice", "alice.b@example.com"},
		{5, "O'Brien", "obrien@example.com"},
		{6, "Dave", "dave@example.com"},
	}
}

func llmtSampleOrders() []llmtOrder {
	// Interleaved on purpose: ids do not follow users.
	return []llmtOrder{
		{101, 2, 1500}, {102, 1, 2500}, {103, 3, 999}, {104, 1, 100},
		{105, 5, 4200}, {106, 2, 1}, {107, 4, 700},
	}
}

func llmtOpen(t *testing.T, users []llmtUser, orders []llmtOrder) (*sql.DB, *llmtDB) {
	t.Helper()
	llmtMu.Lock()
	llmtSeq++
	dsn := fmt.Sprintf("db%d", llmtSeq)
	fake := &llmtDB{users: users, orders: orders, failRowsAfter: -1}
	llmtRegistry[dsn] = fake
	llmtMu.Unlock()
	db, err := sql.Open("llmtfake", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, fake
}

func llmtStore(t *testing.T, users []llmtUser, orders []llmtOrder) (*Store, *llmtDB) {
	t.Helper()
	db, fake := llmtOpen(t, users, orders)
	store := NewStore(db)
	if store == nil {
		t.Fatal("NewStore returned nil")
	}
	fake.reset()
	return store, fake
}

func llmtCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func llmtFormatUsers(users []User) []string {
	out := []string{}
	for _, u := range users {
		out = append(out, fmt.Sprintf("%d|%s|%s", u.ID, u.Name, u.Email))
	}
	return out
}

func llmtFormatUWO(list []UserWithOrders) []string {
	out := []string{}
	for _, uo := range list {
		var orders []string
		for _, o := range uo.Orders {
			orders = append(orders, fmt.Sprintf("%d:%d:%d", o.ID, o.UserID, o.AmountCents))
		}
		out = append(out, fmt.Sprintf("%d|%s|%s [%s]", uo.User.ID, uo.User.Name, uo.User.Email, strings.Join(orders, " ")))
	}
	return out
}

func llmtArgsContain(q llmtQuery, want string) bool {
	for _, a := range q.args {
		if s, ok := a.(string); ok && s == want {
			return true
		}
		if b, ok := a.([]byte); ok && string(b) == want {
			return true
		}
	}
	return false
}

// llmtAssertParameterized: the name reached the driver as an argument of some query and
// appears in no query text.
func llmtAssertParameterized(t *testing.T, queries []llmtQuery, name string) {
	t.Helper()
	if len(queries) == 0 {
		t.Fatal("no query reached the database")
	}
	passed := false
	for _, q := range queries {
		if strings.Contains(q.text, name) {
			t.Errorf("user input %q was built into the SQL text: %q", name, q.text)
		}
		if llmtArgsContain(q, name) {
			passed = true
		}
	}
	if !passed {
		t.Errorf("user input %q was not passed as a query argument; queries: %+v", name, queries)
	}
}

// ---- core ------------------------------------------------------------------------------------

func TestFindUsersByNameReturnsMatches(t *testing.T) {
	store, _ := llmtStore(t, llmtSampleUsers(), llmtSampleOrders())
	got, err := store.FindUsersByName(llmtCtx(t), "Alice")
	if err != nil {
		t.Fatalf("FindUsersByName: %v", err)
	}
	want := []string{"1|Alice|alice@example.com", "4|Alice|alice.b@example.com"}
	if !reflect.DeepEqual(llmtFormatUsers(got), want) {
		t.Fatalf("got %v, want %v", llmtFormatUsers(got), want)
	}
}

func TestFindUsersByNameUsesQueryArgument(t *testing.T) {
	store, fake := llmtStore(t, llmtSampleUsers(), llmtSampleOrders())
	if _, err := store.FindUsersByName(llmtCtx(t), "Carol"); err != nil {
		t.Fatalf("FindUsersByName: %v", err)
	}
	llmtAssertParameterized(t, fake.recorded(), "Carol")
}

func TestUsersWithOrdersReturnsEveryUserWithTheirOrders(t *testing.T) {
	store, _ := llmtStore(t, llmtSampleUsers(), llmtSampleOrders())
	got, err := store.UsersWithOrders(llmtCtx(t))
	if err != nil {
		t.Fatalf("UsersWithOrders: %v", err)
	}
	want := []string{
		"1|Alice|alice@example.com [102:1:2500 104:1:100]",
		"2|Bob|bob@example.com [101:2:1500 106:2:1]",
		"3|Carol|carol@example.com [103:3:999]",
		"4|Alice|alice.b@example.com [107:4:700]",
		"5|O'Brien|obrien@example.com [105:5:4200]",
		"6|Dave|dave@example.com []",
	}
	if !reflect.DeepEqual(llmtFormatUWO(got), want) {
		t.Fatalf("got\n  %s\nwant\n  %s", strings.Join(llmtFormatUWO(got), "\n  "), strings.Join(want, "\n  "))
	}
}

func TestUsersWithOrdersUsesConstantNumberOfQueries(t *testing.T) {
	counts := map[int]int{}
	for _, n := range []int{3, 40} {
		var users []llmtUser
		var orders []llmtOrder
		for i := 1; i <= n; i++ {
			users = append(users, llmtUser{int64(i), fmt.Sprintf("user%d", i), fmt.Sprintf("u%d@example.com", i)})
			orders = append(orders, llmtOrder{int64(1000 + i), int64(i), int64(i * 10)})
		}
		store, fake := llmtStore(t, users, orders)
		got, err := store.UsersWithOrders(llmtCtx(t))
		if err != nil {
			t.Fatalf("UsersWithOrders with %d users: %v", n, err)
		}
		if len(got) != n {
			t.Fatalf("UsersWithOrders with %d users returned %d users", n, len(got))
		}
		counts[n] = len(fake.recorded())
	}
	if counts[3] > 2 || counts[40] > 2 || counts[3] != counts[40] {
		t.Fatalf("UsersWithOrders issued %d queries for 3 users and %d for 40 users; want the same small number (at most 2) regardless of the user count", counts[3], counts[40])
	}
}

func TestNewStoreSetsMaxOpenConns(t *testing.T) {
	db, _ := llmtOpen(t, llmtSampleUsers(), nil)
	NewStore(db)
	if got := db.Stats().MaxOpenConnections; got != 10 {
		t.Fatalf("MaxOpenConnections = %d, want 10", got)
	}
}

func TestNewStoreSetsMaxIdleConns(t *testing.T) {
	db, _ := llmtOpen(t, llmtSampleUsers(), nil)
	NewStore(db)
	ctx := llmtCtx(t)
	var conns []*sql.Conn
	for i := 0; i < 8; i++ { // more than the idle limit, no more than the open limit
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatalf("db.Conn: %v", err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
	if got := db.Stats().Idle; got != 5 {
		t.Fatalf("idle connections kept after releasing 8 = %d, want 5 (SetMaxIdleConns(5))", got)
	}
}

func TestNewStoreSetsConnMaxLifetime(t *testing.T) {
	db, _ := llmtOpen(t, llmtSampleUsers(), nil)
	NewStore(db)
	// database/sql does not expose the lifetime; read the unexported field (Go 1.19).
	field := reflect.ValueOf(db).Elem().FieldByName("maxLifetime")
	if !field.IsValid() {
		t.Skip("sql.DB has no maxLifetime field in this Go version")
	}
	if got := time.Duration(field.Int()); got != 30*time.Minute {
		t.Fatalf("ConnMaxLifetime = %v, want 30m0s", got)
	}
}

// ---- edge ------------------------------------------------------------------------------------

func TestEdgeHostileNameIsNotInjected(t *testing.T) {
	store, fake := llmtStore(t, llmtSampleUsers(), llmtSampleOrders())
	hostile := "x' OR '1'='1"
	got, err := store.FindUsersByName(llmtCtx(t), hostile)
	if err != nil {
		t.Fatalf("FindUsersByName: %v", err)
	}
	if len(got) != 0 {
		t.Errorf("a hostile name matched %d users: %v", len(got), llmtFormatUsers(got))
	}
	queries := fake.recorded()
	for _, q := range queries {
		if strings.Contains(q.text, "'1") || strings.Contains(q.text, "1'") {
			t.Errorf("hostile input reached the SQL text (escaped or not): %q", q.text)
		}
	}
	llmtAssertParameterized(t, queries, hostile)
}

func TestEdgeNameWithQuoteMatchesLiterally(t *testing.T) {
	store, fake := llmtStore(t, llmtSampleUsers(), llmtSampleOrders())
	got, err := store.FindUsersByName(llmtCtx(t), "O'Brien")
	if err != nil {
		t.Fatalf("FindUsersByName: %v", err)
	}
	want := []string{"5|O'Brien|obrien@example.com"}
	if !reflect.DeepEqual(llmtFormatUsers(got), want) {
		t.Errorf("got %v, want %v", llmtFormatUsers(got), want)
	}
	llmtAssertParameterized(t, fake.recorded(), "O'Brien")
}

func TestEdgeFindUsersByNameNoMatch(t *testing.T) {
	store, _ := llmtStore(t, llmtSampleUsers(), llmtSampleOrders())
	got, err := store.FindUsersByName(llmtCtx(t), "Nobody")
	if err != nil {
		t.Fatalf("FindUsersByName: %v", err)
	}
	if len(got) != 0 {
		t.Fatalf("got %v, want no users", llmtFormatUsers(got))
	}
}

func TestEdgeUserWithoutOrdersIsIncluded(t *testing.T) {
	users := []llmtUser{{1, "Ann", "ann@example.com"}, {2, "Ben", "ben@example.com"}, {3, "Cy", "cy@example.com"}}
	orders := []llmtOrder{{10, 2, 5}}
	store, _ := llmtStore(t, users, orders)
	got, err := store.UsersWithOrders(llmtCtx(t))
	if err != nil {
		t.Fatalf("UsersWithOrders: %v", err)
	}
	want := []string{"1|Ann|ann@example.com []", "2|Ben|ben@example.com [10:2:5]", "3|Cy|cy@example.com []"}
	if !reflect.DeepEqual(llmtFormatUWO(got), want) {
		t.Fatalf("got %v, want %v", llmtFormatUWO(got), want)
	}
}

func TestEdgeNoUsers(t *testing.T) {
	store, fake := llmtStore(t, nil, nil)
	got, err := store.UsersWithOrders(llmtCtx(t))
	if err != nil {
		t.Fatalf("UsersWithOrders: %v", err)
	}
	if len(got) != 0 {
		t.Fatalf("got %v, want no users", llmtFormatUWO(got))
	}
	if n := len(fake.recorded()); n > 2 {
		t.Fatalf("UsersWithOrders issued %d queries on an empty database", n)
	}
}

func TestEdgeManyOrdersStayWithTheirUser(t *testing.T) {
	var users []llmtUser
	var orders []llmtOrder
	for i := 1; i <= 20; i++ {
		users = append(users, llmtUser{int64(i), fmt.Sprintf("n%d", i), fmt.Sprintf("e%d", i)})
	}
	for k := 0; k < 60; k++ { // order k belongs to user (k*7)%20+1, ids interleave users
		orders = append(orders, llmtOrder{int64(500 + k), int64((k*7)%20 + 1), int64(k)})
	}
	store, _ := llmtStore(t, users, orders)
	got, err := store.UsersWithOrders(llmtCtx(t))
	if err != nil {
		t.Fatalf("UsersWithOrders: %v", err)
	}
	if len(got) != 20 {
		t.Fatalf("got %d users, want 20", len(got))
	}
	for i, uo := range got {
		if uo.User.ID != int64(i+1) {
			t.Fatalf("user %d has id %d; users must be ordered by id", i, uo.User.ID)
		}
		var want []string
		for k := 0; k < 60; k++ {
			if int64((k*7)%20+1) == uo.User.ID {
				want = append(want, fmt.Sprintf("%d:%d:%d", 500+k, uo.User.ID, k))
			}
		}
		var have []string
		for _, o := range uo.Orders {
			have = append(have, fmt.Sprintf("%d:%d:%d", o.ID, o.UserID, o.AmountCents))
		}
		if !reflect.DeepEqual(have, want) {
			t.Fatalf("orders of user %d: got %v, want %v", uo.User.ID, have, want)
		}
	}
}

func TestEdgeQueryErrorsAreReturned(t *testing.T) {
	store, fake := llmtStore(t, llmtSampleUsers(), llmtSampleOrders())
	fake.mu.Lock()
	fake.failQueries = true
	fake.mu.Unlock()
	if _, err := store.FindUsersByName(llmtCtx(t), "Alice"); err == nil {
		t.Error("FindUsersByName returned no error although the query failed")
	}
	if _, err := store.UsersWithOrders(llmtCtx(t)); err == nil {
		t.Error("UsersWithOrders returned no error although the query failed")
	}
}

func TestEdgeRowIterationErrorsAreReturned(t *testing.T) {
	store, fake := llmtStore(t, llmtSampleUsers(), llmtSampleOrders())
	fake.mu.Lock()
	fake.failRowsAfter = 1 // every result set breaks after its first row
	fake.mu.Unlock()
	if got, err := store.FindUsersByName(llmtCtx(t), "Alice"); err == nil {
		t.Errorf("FindUsersByName returned %v and no error although reading rows failed (check rows.Err())", llmtFormatUsers(got))
	}
	if got, err := store.UsersWithOrders(llmtCtx(t)); err == nil {
		t.Errorf("UsersWithOrders returned %d users and no error although reading rows failed (check rows.Err())", len(got))
	}
}

func TestEdgeCancelledContextIsHonoured(t *testing.T) {
	store, _ := llmtStore(t, llmtSampleUsers(), llmtSampleOrders())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := store.FindUsersByName(ctx, "Alice"); err == nil {
		t.Error("FindUsersByName ignored a cancelled context")
	}
	if _, err := store.UsersWithOrders(ctx); err == nil {
		t.Error("UsersWithOrders ignored a cancelled context")
	}
}
