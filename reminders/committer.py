"""How the dispatcher commits "this message is `sending`" while it composes the message.

On PostgreSQL the statement is sent at once on an autocommit connection, with libpq's
asynchronous API (psycopg's `pgconn.send_query_params`), and its result is read only when the
content is about to go out: the round trip and the commit overlap the composing and the
envelope (MAIL, RCPT) in the same thread. (It used to run in a thread of its own: every
message then paid two hand-overs of the GIL between the threads, a few tenths of a
millisecond each and more when the process was busy: the full path / bare loop ratio of
`benchmarks/dispatch_bench.py` on PostgreSQL went from 0.67 to 0.94 from run to run.)
Other PostgreSQL drivers run the statement at once. On SQLite (in-process, nothing to overlap)
the function gets no connection and opens its own write transaction.
"""

from __future__ import annotations

import re
import select
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa

Waiter = Callable[[], int]  # how many rows the statement returned
Commit = Callable[..., Callable[[], bool]]
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class Statements:
    """Runs a statement on an autocommit connection now and says how many rows it returned."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection

    def start(self, statement: sa.Executable, parameters: Mapping[str, Any]) -> Waiter:
        rows = len(self.connection.execute(statement, parameters).all())
        return lambda: rows

    def finish(self) -> None:
        """Nothing is ever left outstanding here."""


class _Compiled:
    """A statement as libpq takes it: `$n` placeholders, names in order, literal values
    (the statement's own constants, expanded IN lists included)."""

    def __init__(self, statement: sa.Executable, dialect: sa.Dialect) -> None:
        compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        self.literals: dict[str, Any] = {}
        for name, bind in compiled.binds.items():
            if bind.expanding:
                items = {f"{name}_{n}": value for n, value in enumerate(bind.value, 1)}
                self.literals |= items
                listed = ", ".join(f"%({key})s" for key in items)
                compiled.string = compiled.string.replace(f"__[POSTCOMPILE_{name}]", listed)
            elif not bind.required:
                self.literals[name] = bind.value
        self.names: list[str] = []

        def number(match: re.Match[str]) -> str:
            if match.group(1) not in self.names:
                self.names.append(match.group(1))
            return f"${self.names.index(match.group(1)) + 1}"

        self.sql = _PLACEHOLDER.sub(number, compiled.string).replace("%%", "%").encode()


def _text(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat().encode()
    return str(value).encode()


class PendingStatements(Statements):
    """psycopg's libpq connection: a statement is sent now, its result read by the waiter
    (at most one outstanding: `start` and `finish` read the previous one first)."""

    def __init__(self, connection: sa.Connection) -> None:
        super().__init__(connection)
        self.pgconn = connection.connection.driver_connection.pgconn  # type: ignore[union-attr]
        self.dialect = connection.dialect
        self.compiled: dict[int, _Compiled] = {}
        self.outstanding: Waiter | None = None

    def start(self, statement: sa.Executable, parameters: Mapping[str, Any]) -> Waiter:
        self.finish()
        compiled = self.compiled.get(id(statement))
        if compiled is None:
            compiled = self.compiled[id(statement)] = _Compiled(statement, self.dialect)
        values = {**compiled.literals, **parameters}
        self.pgconn.send_query_params(
            compiled.sql, [_text(values[name]) for name in compiled.names]
        )
        while self.pgconn.flush():  # a non-blocking connection may keep part of it
            select.select([], [self.pgconn.socket], [])
        result: list[int] = []

        def wait() -> int:
            if not result:
                result.append(self._read())
                self.outstanding = None
            return result[0]

        self.outstanding = wait
        return wait

    def finish(self) -> None:
        if self.outstanding is not None:
            self.outstanding()

    def _read(self) -> int:
        from psycopg import pq
        from psycopg.errors import DatabaseError

        rows, error = 0, ""
        while True:
            self.pgconn.consume_input()
            while not self.pgconn.is_busy():
                answer = self.pgconn.get_result()
                if answer is None:
                    if error:
                        raise DatabaseError(error)
                    return rows
                if answer.status in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
                    rows += answer.ntuples
                else:
                    error = (answer.error_message or b"statement failed").decode(errors="replace")
            select.select([self.pgconn.socket], [], [])


@contextmanager
def committer(engine: sa.Engine) -> Iterator[Commit]:
    """Runs `begin_sending(statements, *args)`, which starts its statement and returns how to
    wait for the answer (see the module's docstring); on SQLite `statements` is None."""
    if engine.dialect.name != "postgresql":

        def at_once(function: Callable[..., Callable[[], bool]], *args: Any) -> Callable[[], bool]:
            return function(None, *args)

        yield at_once
        return
    with engine.connect() as connection:
        quick = connection.execution_options(isolation_level="AUTOCOMMIT")
        quick.connection  # noqa: B018  (checks the connection out now, in autocommit)
        uses_libpq = engine.dialect.driver == "psycopg"
        statements = PendingStatements(quick) if uses_libpq else Statements(quick)

        def pending(function: Callable[..., Callable[[], bool]], *args: Any) -> Callable[[], bool]:
            return function(statements, *args)

        try:
            yield pending
        finally:
            statements.finish()
