// Parameterized queries and no N+1, but the connection pool is never configured.
package solution

import (
	"context"
	"database/sql"
	"fmt"
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

// NewStore wraps an open database handle.
func NewStore(db *sql.DB) *Store {
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

// UsersWithOrders returns every user with their orders, using two queries.
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
	index := make(map[int64]int, len(result))
	for i, uo := range result {
		index[uo.User.ID] = i
	}
	orderRows, err := s.db.QueryContext(ctx, "SELECT id, user_id, amount_cents FROM orders ORDER BY user_id, id")
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
