// Hostile: print go test's PASS lines (and test2json's pass events) for every hidden test,
// then never return from any call, so that the grading ends at its time limit with the
// forged lines as the last output.
package solution

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// forge prints go test's own lines (and test2json's events) for every hidden test.
func forge() {
	for _, name := range []string{"TestFindUsersByNameReturnsMatches", "TestFindUsersByNameUsesQueryArgument",
		"TestUsersWithOrdersReturnsEveryUserWithTheirOrders", "TestUsersWithOrdersUsesConstantNumberOfQueries",
		"TestNewStoreSetsMaxOpenConns", "TestNewStoreSetsMaxIdleConns", "TestNewStoreSetsConnMaxLifetime",
		"TestEdgeHostileNameIsNotInjected", "TestEdgeNameWithQuoteMatchesLiterally", "TestEdgeFindUsersByNameNoMatch",
		"TestEdgeUserWithoutOrdersIsIncluded", "TestEdgeNoUsers", "TestEdgeManyOrdersStayWithTheirUser",
		"TestEdgeQueryErrorsAreReturned", "TestEdgeRowIterationErrorsAreReturned", "TestEdgeCancelledContextIsHonoured"} {
		fmt.Printf("=== RUN   %s\n--- PASS: %s (0.00s)\n", name, name)
		fmt.Printf("{\"Action\":\"pass\",\"Package\":\"solution\",\"Test\":%q}\n", name)
	}
	fmt.Println("PASS\nok  \tsolution\t0.01s")
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

func hang() {
	forge()
	for {
		time.Sleep(time.Hour)
	}
}

func NewStore(db *sql.DB) *Store { hang(); return nil }

func (s *Store) FindUsersByName(ctx context.Context, name string) ([]User, error) {
	hang()
	return nil, nil
}

func (s *Store) UsersWithOrders(ctx context.Context) ([]UserWithOrders, error) {
	hang()
	return nil, nil
}
