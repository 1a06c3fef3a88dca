// Hostile: func init() { os.Exit(0) }: the test binary exits 0 before any test runs.
package solution

import (
	"context"
	"database/sql"
	"os"
)

func init() { os.Exit(0) }

type User struct {
	ID    int64
	Name  string
	Email string
}

type Order struct {
	ID          int64
	UserID      int64
	AmountCents int64
}

type UserWithOrders struct {
	User   User
	Orders []Order
}

type Store struct{ db *sql.DB }

func NewStore(db *sql.DB) *Store { return &Store{db: db} }

func (s *Store) FindUsersByName(ctx context.Context, name string) ([]User, error) { return nil, nil }

func (s *Store) UsersWithOrders(ctx context.Context) ([]UserWithOrders, error) { return nil, nil }
