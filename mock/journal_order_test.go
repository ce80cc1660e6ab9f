package mock_test

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// answerProbe is a ResponseWriter that notes how many requests the journal
// holds at the moment the answer's status leaves, or the connection closes.
type answerProbe struct {
	*httptest.ResponseRecorder
	srv  *mock.Server
	seen []int
}

func (p *answerProbe) note() { p.seen = append(p.seen, len(p.srv.Requests(mock.RequestFilter{}))) }

func (p *answerProbe) WriteHeader(code int) { p.note(); p.ResponseRecorder.WriteHeader(code) }

func (p *answerProbe) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	ours, theirs := net.Pipe()
	theirs.Close()
	return probeConn{ours, p}, bufio.NewReadWriter(bufio.NewReader(ours), bufio.NewWriter(ours)), nil
}

type probeConn struct {
	net.Conn
	p *answerProbe
}

func (c probeConn) Close() error { c.p.note(); return c.Conn.Close() }

// TestJournaledBeforeTheAnswer: a request is in the journal before its
// client sees anything of the answer, its status or its connection closing.
// A client that reads the journal once it has its answer, or its error,
// must find the request there, however large the answer.
func TestJournaledBeforeTheAnswer(t *testing.T) {
	for _, scenario := range []string{"default", "InternalError", "fault:garbage", "fault:empty", "fault:reset"} {
		t.Run(scenario, func(t *testing.T) {
			srv := probedServer(t)
			p := &answerProbe{ResponseRecorder: httptest.NewRecorder(), srv: srv}
			r := httptest.NewRequest(http.MethodPost, "/?"+createParams().Encode(), nil)
			r.Header.Set(mock.HeaderScenario, scenario)
			srv.ServeHTTP(p, r)
			if len(p.seen) != 1 || p.seen[0] != 1 {
				t.Errorf("the journal held %v request(s) as the answer left, want [1]", p.seen)
			}
		})
	}
}

func probedServer(t *testing.T) *mock.Server {
	t.Helper()
	srv, err := mock.New(mock.Config{Clock: mock.FixedClock(testNow)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}
