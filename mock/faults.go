package mock

import (
	"net"
	"net/http"

	"github.com/labstack/echo/v4"
)

// garbageBody is what fault:garbage answers: a gateway's HTML error page with
// a 200, which no SDK can parse as JSON.
const garbageBody = "<html><head><title>502 Bad Gateway</title></head><body>upstream sent an invalid response</body></html>\n"

// breakConnection carries out a connection-level fault and returns the HTTP
// status sent, 0 when none was.
func (s *Server) breakConnection(c echo.Context, x *exchange) int {
	switch fault := x.outcome.Fault; fault {
	case "garbage":
		c.Response().Header().Set(echo.HeaderContentType, "text/html")
		s.answered(x, http.StatusOK)
		c.Response().WriteHeader(http.StatusOK)
		_, _ = c.Response().Write([]byte(garbageBody))
		return http.StatusOK
	case "hang":
		s.hold(c.Request().Context(), nil) // until the client gives up, MaxHold passes or the server closes
		s.answered(x, 0)
		dropConnection(c, false)
	case "reset":
		s.answered(x, 0)
		dropConnection(c, true)
	default: // "empty"
		s.answered(x, 0)
		dropConnection(c, false)
	}
	return 0
}

// dropConnection closes the client's connection without an answer; with
// reset, as a TCP reset rather than an orderly close.
func dropConnection(c echo.Context, reset bool) {
	conn, _, err := c.Response().Hijack()
	if err != nil {
		// Not a hijackable connection (HTTP/2, a recorder): make net/http
		// abort the response, the nearest thing to a dropped connection.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok && reset {
		_ = tcp.SetLinger(0) // close sends RST instead of FIN
	}
	_ = conn.Close()
}
