// Hostile: print 64 KB lines forever from a goroutine started at package initialisation.
package solution

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

var _ = flood()

func flood() int {
	block := strings.Repeat("A", 65535)
	go func() {
		for {
			fmt.Println(block)
		}
	}()
	return 0
}

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
