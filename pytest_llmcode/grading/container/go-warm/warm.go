// Package warm imports the standard library packages answers use most, so that building
// and vetting them fills Go's build cache at image build time.
package warm

import (
	"bufio"
	"bytes"
	"container/heap"
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

var _ = []interface{}{bufio.NewReader, bytes.NewBuffer, heap.Init, list.New, context.Background,
	sql.Open, driver.IsValue, json.Marshal, errors.New, fmt.Sprintf, io.EOF, math.Abs, http.NewRequest,
	httptest.NewServer, os.Getenv, regexp.MustCompile, sort.Ints, strconv.Itoa, strings.Split,
	new(sync.Mutex), new(atomic.Int64), time.Now, unicode.IsLetter, utf8.RuneLen}
