package report

import (
	"hash/fnv"
	"iter"
	"math"
	"time"
)

// Usage data for the export reports: what the mock pretends an account (or
// one domain) used, at 5-minute points. It is made up, deterministically:
// the same domain and instant always give the same numbers, whatever range
// a task asks for, so a report is reproducible and overlapping reports agree.
//
// For the 5 minutes starting at t (UTC), and domain d ("" for the account):
//
//	seed      = FNV-1a 64 of d
//	base      = 1 GiB × (1 + (seed mod 1000) / 500)               1 to 3 GiB
//	day       = 1 + 0.5 × sin(2π × (minute of day − 360) / 1440)   high at 12:00, low at 00:00
//	week      = 1.15 on Saturdays and Sundays, else 1
//	jitter    = 0.9 + 0.2 × splitmix64(seed xor t/5min) / 2^64     0.9 to 1.1
//	traffic   = round(base × day × week × jitter) bytes
//	bandwidth = traffic × 8 / 300 bit/s                            the 5 minutes' average
//	requests  = round(traffic / 64 KiB)
//
// The points of a period are those starting at StartTime rounded up to 5
// minutes, up to but not including EndTime.

const usageStep = 5 * time.Minute

type usagePoint struct {
	T        time.Time
	Bytes    int64
	Requests int64
}

// Bps is the point's average bandwidth in bit/s.
func (p usagePoint) Bps() float64 { return float64(p.Bytes) * 8 / usageStep.Seconds() }

// usagePoints yields a domain's points of a period, one at a time: a
// long period costs what its caller takes, not the whole period.
func usagePoints(domain string, start, end time.Time) iter.Seq[usagePoint] {
	h := fnv.New64a()
	h.Write([]byte(domain))
	seed := h.Sum64()
	base := float64(1<<30) * (1 + float64(seed%1000)/500)
	return func(yield func(usagePoint) bool) {
		for t := firstPoint(start); t.Before(end); t = t.Add(usageStep) {
			minute := float64(t.Hour()*60 + t.Minute())
			day := 1 + 0.5*math.Sin(2*math.Pi*(minute-360)/1440)
			week := 1.0
			if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
				week = 1.15
			}
			jitter := 0.9 + 0.2*float64(splitmix64(seed^uint64(t.Unix()/300))>>11)/(1<<53)
			bytes := int64(math.Round(base * day * week * jitter))
			if !yield(usagePoint{T: t, Bytes: bytes, Requests: int64(math.Round(float64(bytes) / 65536))}) {
				return
			}
		}
	}
}

// firstPoint is start rounded up to 5 minutes, in UTC.
func firstPoint(start time.Time) time.Time {
	t := start.UTC().Truncate(usageStep)
	if t.Before(start) {
		t = t.Add(usageStep)
	}
	return t
}

// countPoints is how many points usagePoints yields for a period.
func countPoints(start, end time.Time) int64 {
	t := firstPoint(start)
	if !t.Before(end) {
		return 0
	}
	// In seconds, not a Duration, which ends at 292 years.
	secs, step := end.Unix()-t.Unix(), int64(usageStep/time.Second)
	if end.Nanosecond() > 0 {
		return secs/step + 1
	}
	return (secs + step - 1) / step
}

func splitmix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// usageDay sums one UTC day of points.
type usageDay struct {
	Date     string // yyyy-MM-dd
	Bytes    int64
	Requests int64
	PeakBps  float64
}

// dailyUsage sums points by day, for at most maxDays days, and reports
// whether points were left past them: it stops taking points there.
func dailyUsage(points iter.Seq[usagePoint], maxDays int) (days []usageDay, cut bool) {
	var out []usageDay
	for p := range points {
		date := p.T.Format("2006-01-02")
		if len(out) == 0 || out[len(out)-1].Date != date {
			if len(out) == maxDays {
				return out, true
			}
			out = append(out, usageDay{Date: date})
		}
		d := &out[len(out)-1]
		d.Bytes += p.Bytes
		d.Requests += p.Requests
		d.PeakBps = max(d.PeakBps, p.Bps())
	}
	return out, false
}
