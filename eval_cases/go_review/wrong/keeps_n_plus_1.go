// Parameterized queries and a configured pool, but still one orders query per user (N+1).
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
	rows, err := s.db.QueryContext(ctx, "SELECT id, name, email FROM users WHERE name = $1 ORDER BY id", name)
	if err != nil {
		return nil, fmt.Errorf("query users: %w", err)
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

// UsersWithOrders returns every user with their orders.
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
	for i := range result {
		orders, err := s.ordersFor(ctx, result[i].User.ID)
		if err != nil {
			return nil, err
		}
		result[i].Orders = orders
	}
	return result, nil
}

func (s *Store) ordersFor(ctx context.Context, userID int64) ([]Order, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, user_id, amount_cents FROM orders WHERE user_id = $1 ORDER BY id", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	orders := []Order{}
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.UserID, &o.AmountCents); err != nil {
			return nil, err
		}
		orders = append(orders, o)
	}
	return orders, rows.Err()
}
