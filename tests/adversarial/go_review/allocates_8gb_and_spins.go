// Hostile: allocate and touch 8 GB from a goroutine, start busy goroutines, and spin
// forever inside every call.
package solution

import (
	"context"
	"database/sql"
)

var hog [][]byte

var _ = start()

func start() int {
	go func() {
		for i := 0; i < 8; i++ {
			b := make([]byte, 1<<30)
			for j := 0; j < len(b); j += 4096 {
				b[j] = 1
			}
			hog = append(hog, b)
		}
	}()
	for i := 0; i < 64; i++ {
		go func() {
			for {
			}
		}()
	}
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

func (s *Store) FindUsersByName(ctx context.Context, name string) ([]User, error) {
	for {
	}
}

func (s *Store) UsersWithOrders(ctx context.Context) ([]UserWithOrders, error) {
	for {
	}
}
