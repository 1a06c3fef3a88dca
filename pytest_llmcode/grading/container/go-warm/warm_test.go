package warm

import "testing"

func TestWarm(t *testing.T) {}
