// Fixes the N+1 (IN query) and the pool, but "fixes" the injection by escaping quotes and still concatenates the name into the SQL.
package solution

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// Connection-pool settings applied by NewStore.
const (
	maxOpenConns    = 10
	maxIdleConns    = 5
	connMaxLifetime = 30 * time.Minute
)

// User is a row of the users table.
type User struct {
	ID    int64
	Name  string
	Email string
}

// Order is a row of the orders table.
type Order struct {
	ID          int64
	UserID      int64
	AmountCents int64
}

// UserWithOrders is a user together with all of their orders.
type UserWithOrders struct {
	User   User
	Orders []Order
}

// Store gives access to users and their orders.
type Store struct {
	db *sql.DB
}

// NewStore wraps an open database handle and configures its connection pool.
func NewStore(db *sql.DB) *Store {
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxIdleConns)
	db.SetConnMaxLifetime(connMaxLifetime)
	return &Store{db: db}
}

// FindUsersByName returns the users whose name is exactly name, ordered by id.
func (s *Store) FindUsersByName(ctx context.Context, name string) ([]User, error) {
	// Escape single quotes so the name cannot break out of the string literal.
	safe := strings.ReplaceAll(name, "'", "''")
	rows, err := s.db.QueryContext(ctx, "SELECT id, name, email FROM users WHERE name = '"+safe+"' ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	users := []User{}
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name, &u.Email); err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return users, nil
}

// UsersWithOrders returns every user with their orders: one query for the users and
// one IN query for all of their orders.
func (s *Store) UsersWithOrders(ctx context.Context) ([]UserWithOrders, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, name, email FROM users ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	result := []UserWithOrders{}
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name, &u.Email); err != nil {
			return nil, err
		}
		result = append(result, UserWithOrders{User: u, Orders: []Order{}})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(result) == 0 {
		return result, nil
	}
	placeholders := make([]string, len(result))
	args := make([]interface{}, len(result))
	index := make(map[int64]int, len(result))
	for i, uo := range result {
		placeholders[i] = "?"
		args[i] = uo.User.ID
		index[uo.User.ID] = i
	}
	orderRows, err := s.db.QueryContext(ctx,
		"SELECT id, user_id, amount_cents FROM orders WHERE user_id IN ("+strings.Join(placeholders, ", ")+") ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer orderRows.Close()
	for orderRows.Next() {
		var o Order
		if err := orderRows.Scan(&o.ID, &o.UserID, &o.AmountCents); err != nil {
			return nil, err
		}
		if i, ok := index[o.UserID]; ok {
			result[i].Orders = append(result[i].Orders, o)
		}
	}
	if err := orderRows.Err(); err != nil {
		return nil, err
	}
	return result, nil
}
