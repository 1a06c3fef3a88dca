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

// FindUsersByName returns the users whose name is exactly name.
func (s *Store) FindUsersByName(ctx context.Context, name string) ([]User, error) {
	query := "SELECT id, name, email FROM users WHERE name = '" + name + "' ORDER BY id"
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var users []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name, &u.Email); err != nil {
			return nil, err
		}
		users = append(users, u)
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

	var result []UserWithOrders
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name, &u.Email); err != nil {
			return nil, err
		}
		orderRows, err := s.db.QueryContext(ctx, fmt.Sprintf(
			"SELECT id, user_id, amount_cents FROM orders WHERE user_id = %d ORDER BY id", u.ID))
		if err != nil {
			return nil, err
		}
		var orders []Order
		for orderRows.Next() {
			var o Order
			if err := orderRows.Scan(&o.ID, &o.UserID, &o.AmountCents); err != nil {
				return nil, err
			}
			orders = append(orders, o)
		}
		orderRows.Close()
		result = append(result, UserWithOrders{User: u, Orders: orders})
	}
	return result, nil
}
