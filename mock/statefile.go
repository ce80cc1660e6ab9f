package mock

import "github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"

// stateFile is the --state file as the resource store sees it: the task
// store's, whose writes a test can make fail (hooks.stateWrite) to check
// what the API answers then.
type stateFile struct{ s *Server }

func (f stateFile) QueueRaw(ws ...tasks.RawWrite) func() error {
	wait := f.s.tasks.QueueRaw(ws...)
	if h := f.s.hooks.stateWrite; h != nil {
		return func() error {
			if err := wait(); err != nil {
				return err
			}
			return h()
		}
	}
	return wait
}

func (f stateFile) LoadRaw(bucket string, fn func(k, v []byte) error) error {
	return f.s.tasks.LoadRaw(bucket, fn)
}
