package solution

// Hidden tests (never shown to the model), run with `go test` in the answer's package.
// Give helpers distinctive names (here caseHelper...): an answer may not use a name the
// tests declare.

import "testing"

func caseHelperCheck(t *testing.T, in, want string) {
	t.Helper()
	if got := Reverse(in); got != want {
		t.Errorf("Reverse(%q) = %q, want %q", in, got, want)
	}
}

func TestReverseASCII(t *testing.T) {
	caseHelperCheck(t, "hello", "olleh")
}

func TestReversePalindrome(t *testing.T) {
	caseHelperCheck(t, "level", "level")
}

// Tests named TestEdge... count as edge cases in the score.
func TestEdgeEmptyString(t *testing.T) {
	caseHelperCheck(t, "", "")
}

func TestEdgeMultiByteCharacters(t *testing.T) {
	caseHelperCheck(t, "héllo, 世界", "界世 ,olléh")
}
