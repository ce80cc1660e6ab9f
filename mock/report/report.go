// Package report makes the files an export task's download serves: the
// usage export as a PDF and the usage-detail export as an Excel workbook,
// from made-up but deterministic usage data (see usagedata.go).
package report

import "time"

// Task is what a report needs to know of its export task.
type Task struct {
	ID, Name   string
	Start, End string            // the period, as the request gave it (yyyy-MM-ddTHH:mm:ssZ)
	Params     map[string]string // the create's parameters: Language, Type, DomainNames, Group
	Done       time.Time         // when the task finished
}

// timeLayout is the API's time format.
const timeLayout = "2006-01-02T15:04:05Z"
