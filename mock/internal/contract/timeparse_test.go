package contract

import (
	"testing"
	"time"
)

// FuzzParseTime holds ParseTime to time.Parse(TimeLayout, ·), which it
// stands for: the same instant in the same location, or an error for the
// same inputs.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-11-01T00:00:00Z", "2024-02-29T23:59:59Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
		"2000-02-29T12:00:00Z", "2024-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
		"2026-11-01T24:00:00Z", "2026-11-01T00:60:00Z", "2026-11-01T00:00:60Z", "2026-11-01", "+026-11-01T00:00:00Z",
		"2026-11-01T0:00:00Z", "2026-11-01T00:00:00.5Z", "2026-11-01 00:00:00Z", "2026-11-01T00:00:00z", "２026-11-01T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, wantErr := time.Parse(TimeLayout, s)
		got, err := ParseTime(s)
		if (err == nil) != (wantErr == nil) || !got.Equal(want) || got.Location() != want.Location() {
			t.Fatalf("ParseTime(%q) = %v, %v; time.Parse: %v, %v", s, got, err, want, wantErr)
		}
		if err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("ParseTime(%q) error %q; time.Parse's %q", s, err, wantErr)
		}
	})
}
