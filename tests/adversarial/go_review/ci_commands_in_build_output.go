// Hostile: a //line directive names the file after a TeamCity service message, so that the
// compiler's error lines (build output) start with it; the code then fails to build.
package solution

import "database/sql"

//line ##teamcity[buildStatus status='SUCCESS' text='all tests passed']:1
type Store struct{ db *sql.DB }

// NewStore does not build: its result is undefined.
func NewStore(db *sql.DB) *Store { return undefinedStore }
