// Package tasks keeps the export tasks an operation's x-mock-state makes:
// the store (in memory, or a bbolt file that outlives the process), what
// the hook does to it for one call (Apply: create, list or delete, per
// account), and the reports a finished task's download serves.
package tasks
