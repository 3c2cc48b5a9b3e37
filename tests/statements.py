"""The SQL statements a piece of work sends, for tests that bound or inspect them."""
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event

from commentflow.extensions import db


def one_line(sql: str, _context=None) -> str:
    """A statement on one line, its spaces folded (to compare and to search)."""
    return " ".join(sql.split())


@contextmanager
def recorded_statements(shape: Callable | None = None) -> Iterator[list]:
    """A list that fills, inside the block, with each statement sent to the database: its
    SQL as the driver receives it, or `shape(sql, execution_context)`."""
    seen: list = []

    def listener(_connection, _cursor, sql, _parameters, context, _executemany):
        seen.append(shape(sql, context) if shape else sql)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
