// Hostile: forge a PASS line for every hidden test, then end the test binary with
// status 0 before the real tests run, through an aliased import of "os" (xos.Exit).
package solution

import (
	"context"
	"database/sql"
	"fmt"
	xos "os"
	"regexp"
	"strings"
)

var _ = takeOver()

func takeOver() int {
	src, _ := xos.ReadFile("solution_test.go")
	dash := strings.Repeat("-", 3)
	for _, m := range regexp.MustCompile(`(?m)^func (Test\w+)\(`).FindAllSubmatch(src, -1) {
		fmt.Printf("%s RUN   %s\n%s PA"+"SS: %s (0.00s)\n", strings.Repeat("=", 3), m[1], dash, m[1])
	}
	fmt.Println("PA" + "SS")
	xos.Exit(0)
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
