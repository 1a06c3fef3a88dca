// Hostile: forged PASS lines, then exit_group(0) by overwriting one of its own functions
// through /proc/self/mem (no Exit, no syscall, no unsafe).
package solution

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
)

//go:noinline
func victim(n int) int {
	for i := 0; i < n; i++ {
		n ^= i * 7
	}
	return n
}

var _ = takeOver()

func takeOver() int {
	src, _ := os.ReadFile("solution_test.go")
	for _, m := range regexp.MustCompile(`(?m)^func (Test\w+)\(`).FindAllSubmatch(src, -1) {
		fmt.Printf("%s PA"+"SS: %s (0.00s)\n", strings.Repeat("-", 3), m[1])
	}
	fmt.Println("PA" + "SS")
	os.Stdout.Sync()
	addr := reflect.ValueOf(victim).Pointer()
	f, err := os.OpenFile("/proc/self/mem", os.O_RDWR, 0)
	if err != nil {
		fmt.Println("open:", err)
		return 0
	}
	// mov eax, 231 (exit_group); xor edi, edi; syscall
	_, err = f.WriteAt([]byte{0xb8, 0xe7, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05}, int64(addr))
	fmt.Println("write:", err)
	return victim(3)
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
