package contract

import (
	"fmt"
	"time"
)

// How an item of a resource looks at a moment of the server's clock.

// StatusAt is the status at now of an item that entered status at since:
// each transition from the status is taken once its after has passed,
// to its failed state for an item marked failed. It returns the status
// and when it was entered.
func (st *StatusDef) StatusAt(status string, since time.Time, failed bool, now time.Time) (string, time.Time) {
	for range len(st.Transitions) + 1 {
		moved := false
		for _, tr := range st.Transitions {
			at := since.Add(time.Duration(tr.After))
			if tr.From != status || now.Before(at) {
				continue
			}
			status, since, moved = tr.To, at, true
			if failed && tr.Failed != "" {
				status = tr.Failed
			}
			break
		}
		if !moved {
			break
		}
	}
	return status, since
}

// View is an item as the API shows it at now: its fields, its status and
// the fields its state sets, and its times.
func (r *Resource) View(fields map[string]any, status string, since time.Time, failed bool, created, modified, now time.Time) map[string]any {
	v := make(map[string]any, len(fields)+4)
	for k, val := range fields {
		v[k] = val
	}
	if st := r.Status; st != nil {
		cur, at := st.StatusAt(status, since, failed, now)
		v[st.Field] = cur
		for k, val := range st.States[cur] {
			v[k] = val
		}
		if at.After(modified) {
			modified = at
		}
	}
	if r.Created != "" {
		v[r.Created] = created.UTC().Format(TimeLayout)
	}
	if r.Modified != "" {
		v[r.Modified] = modified.UTC().Format(TimeLayout)
	}
	return v
}

// FieldText is one field of the item as View shows it at now, as text
// (fmt.Sprint of the value), without building the whole view: lists
// filter with it before they show a page.
func (r *Resource) FieldText(name string, fields map[string]any, status string, since time.Time, failed bool, created, modified, now time.Time) string {
	if name != "" && name == r.Created {
		return created.UTC().Format(TimeLayout)
	}
	st := r.Status
	if st != nil && (name == st.Field || name == r.Modified || st.setsField(name)) {
		cur, at := st.StatusAt(status, since, failed, now)
		if v, ok := st.States[cur][name]; ok && name != r.Modified {
			return v
		}
		switch name {
		case st.Field:
			return cur
		case r.Modified:
			if at.After(modified) {
				modified = at
			}
		}
	}
	if name != "" && name == r.Modified {
		return modified.UTC().Format(TimeLayout)
	}
	if v, ok := fields[name].(string); ok {
		return v
	}
	return fmt.Sprint(fields[name])
}

// setsField reports whether some state sets the field.
func (st *StatusDef) setsField(name string) bool {
	for _, set := range st.States {
		if _, ok := set[name]; ok {
			return true
		}
	}
	return false
}
