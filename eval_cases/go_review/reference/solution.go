// Package solution is a small data-access layer for users and their orders.
//
// Review fixes compared with the original:
//   - SQL injection: user input is passed as a query argument (placeholder), never
//     concatenated into the SQL text; no escaping or "sanitizing" is needed.
//   - N+1 queries: UsersWithOrders loads users and orders with one LEFT JOIN instead of
//     one orders query per user.
//   - Connection pool: NewStore bounds open and idle connections and recycles old ones.
//   - Robustness: rows are always closed, rows.Err() is checked, errors are wrapped with
//     context, and every query honours ctx.
package solution

import (
	"context"
	"database/sql"
	"fmt"
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
	const query = "SELECT id, name, email FROM users WHERE name = ? ORDER BY id"
	rows, err := s.db.QueryContext(ctx, query, name)
	if err != nil {
		return nil, fmt.Errorf("find users by name: %w", err)
	}
	defer rows.Close()

	users := []User{}
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name, &u.Email); err != nil {
			return nil, fmt.Errorf("find users by name: scan: %w", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find users by name: %w", err)
	}
	return users, nil
}

// UsersWithOrders returns every user (ordered by id) with their orders (ordered by id),
// using a single query. Users without orders have an empty Orders slice.
func (s *Store) UsersWithOrders(ctx context.Context) ([]UserWithOrders, error) {
	const query = `
		SELECT u.id, u.name, u.email, o.id, o.amount_cents
		FROM users u
		LEFT JOIN orders o ON o.user_id = u.id
		ORDER BY u.id, o.id`
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("users with orders: %w", err)
	}
	defer rows.Close()

	result := []UserWithOrders{}
	for rows.Next() {
		var (
			u       User
			orderID sql.NullInt64
			amount  sql.NullInt64
		)
		if err := rows.Scan(&u.ID, &u.Name, &u.Email, &orderID, &amount); err != nil {
			return nil, fmt.Errorf("users with orders: scan: %w", err)
		}
		if n := len(result); n == 0 || result[n-1].User.ID != u.ID {
			result = append(result, UserWithOrders{User: u, Orders: []Order{}})
		}
		if orderID.Valid {
			last := &result[len(result)-1]
			last.Orders = append(last.Orders, Order{ID: orderID.Int64, UserID: u.ID, AmountCents: amount.Int64})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("users with orders: %w", err)
	}
	return result, nil
}
