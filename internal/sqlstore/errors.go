package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// dbError translates a driver error from operation op into a flowdeck error:
// unique violations become ErrConflict, connection failures ErrUnavailable,
// anything else ErrInternal. The driver error stays the cause.
func (s *Store) dbError(op string, err error) error {
	cause := fmt.Errorf("sqlstore: %s: %w", op, err)
	switch {
	case s.d.isUnique(err):
		return flowdeck.Wrap(flowdeck.ErrConflict, cause, "That exists already.")
	case unavailable(err) || s.d.isUnavailable(err):
		return flowdeck.Wrap(flowdeck.ErrUnavailable, cause, "The database is not answering; try again in a minute.")
	default:
		return flowdeck.Wrap(flowdeck.ErrInternal, cause, "The database failed.")
	}
}

// unavailable reports failures of either dialect that mean the database could
// not be reached or did not answer in time.
func unavailable(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne)
}

// notFound returns an ErrNotFound error with a user-facing message.
func notFound(what string) error {
	return flowdeck.Errorf(flowdeck.ErrNotFound, "%s was not found.", what)
}

// invalid returns an ErrInvalid error with a user-facing message.
func invalid(msg string) error {
	return flowdeck.Errorf(flowdeck.ErrInvalid, "%s", msg)
}
