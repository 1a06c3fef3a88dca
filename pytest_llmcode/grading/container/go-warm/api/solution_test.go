package solution

import "testing"

func TestWarm(t *testing.T) {
	if NewStore(nil) == nil {
		t.Skip()
	}
}
