// Package solution is a small API of the kinds the Go bridge carries (an opaque type, a
// context, a database, plain data): generating and building its bridge at image build time
// fills Go's build cache with the bridge's runtime and checks the generator.
package solution

import (
	"context"
	"database/sql"
	"time"
)

// Item is plain data.
type Item struct {
	ID   int64
	Name string
	At   time.Time
}

// Store is opaque.
type Store struct{ db *sql.DB }

// NewStore wraps a database.
func NewStore(db *sql.DB) *Store { return &Store{db: db} }

// Items lists the items.
func (s *Store) Items(ctx context.Context) ([]Item, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, name, at FROM items")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []Item
	for rows.Next() {
		var item Item
		if err := rows.Scan(&item.ID, &item.Name, &item.At); err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	return items, rows.Err()
}
