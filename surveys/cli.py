"""The `python -m surveys` commands. Each prints what it did and exits non-zero on failure."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from surveys.config import SettingsError
from surveys.db import read_session, write_session
from surveys.demo import SCALES, DemoAlreadyLoaded, load_demo
from surveys.models import Person, Programme, Response, TrainingSession, utc_now
from surveys.runtime import AppContext, app_context, database_is_empty, prepare_database
from surveys.staff.accounts import AccountError, create_user

if TYPE_CHECKING:
    from surveys.people.report import ImportReport


def _init(context: AppContext, _args: argparse.Namespace) -> int:
    prepare_database(context)
    print(f"Base de données à jour : {context.engine.url.render_as_string(hide_password=True)}")
    return 0


def _demo(context: AppContext, args: argparse.Namespace) -> int:
    prepare_database(context)
    if args.if_empty and not database_is_empty(context):
        print("Données déjà présentes : la démonstration n'a pas été rechargée.")
        _print_demo_accounts()
        return 0
    started = utc_now()
    try:
        with write_session(context.engine) as session:
            summary = load_demo(
                session=session,
                now=started,
                session_secret=context.settings.session_secret,
                scale=SCALES[args.scale],
            )
    except DemoAlreadyLoaded as error:
        print(error, file=sys.stderr)
        return 3
    seconds = (utc_now() - started).total_seconds()
    counts = ", ".join(f"{table}: {count}" for table, count in sorted(summary.counts.items()))
    print(f"Démonstration chargée en {seconds:.1f} s ({counts}).")
    _print_demo_accounts()
    return 0


def _print_demo_accounts() -> None:
    from surveys.demo import DEMO_STAFF

    print("Comptes de démonstration (e-mail / mot de passe / rôle) :")
    for email, role, password, _name in DEMO_STAFF:
        print(f"  {email:34} {password:22} {role}")


def _read_password(args: argparse.Namespace) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mot de passe : ")
    if first != getpass.getpass("Confirmez le mot de passe : "):
        raise AccountError("errors.account.mismatch")
    return first


def _create_user(context: AppContext, args: argparse.Namespace) -> int:
    prepare_database(context)
    try:
        password = _read_password(args)
        with write_session(context.engine) as session:
            user = create_user(
                session=session,
                email=args.email,
                role=args.role,
                password=password,
                full_name=args.name or "",
            )
            print(f"Compte créé : {user.email} ({user.role}).")
    except AccountError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    return 0


def _status(context: AppContext, _args: argparse.Namespace) -> int:
    from sqlmodel import func, select

    with read_session(context.engine) as session:
        for model in (Programme, TrainingSession, Person, Response):
            count = session.exec(select(func.count()).select_from(model)).one()
            print(f"{model.__tablename__}: {count}")
    return 0


def _purge(context: AppContext, args: argparse.Namespace) -> int:
    from surveys.privacy import purge_expired

    prepare_database(context)
    with write_session(context.engine) as session:
        report = purge_expired(
            session=session,
            now=utc_now(),
            dry_run=args.dry_run,
            mailbox_dir=context.settings.mailbox_dir,
        )
        if args.dry_run:
            session.rollback()
    verb = "seraient anonymisées" if args.dry_run else "anonymisées"
    print(
        f"{len(report.people)} personne(s) {verb} (fin de formation avant le "
        f"{report.cutoff:%d/%m/%Y})."
    )
    return 0


def _backup(context: AppContext, args: argparse.Namespace) -> int:
    from pathlib import Path

    from surveys.backup import BackupError, backup_sqlite

    try:
        path = backup_sqlite(context.engine, Path(args.directory), now=utc_now())
    except BackupError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    print(f"Sauvegarde écrite : {path}")
    return 0


def _restore(context: AppContext, args: argparse.Namespace) -> int:
    from pathlib import Path

    from surveys.backup import BackupError, restore_sqlite

    try:
        restore_sqlite(context.engine, Path(args.file))
    except BackupError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    prepare_database(context)
    print(f"Base restaurée depuis {args.file}.")
    return 0


def _print_import_report(report: ImportReport) -> None:
    from surveys.i18n import t

    for problem in report.problems:
        print(problem.describe(), file=sys.stderr)
    for warning in report.warnings:
        print(t("people_import.warning_prefix") + warning.describe(), file=sys.stderr)
    print(t("people_import.summary", **report.message_params()))
    if report.statuses_changed:
        print(t("people_import.statuses_changed", count=report.statuses_changed))
    if report.warnings:
        print(t("people_import.conflicts_summary", count=len(report.warnings)))
    if report.dry_run:
        print(t("people_import.dry_run_note"))


def _import_people(context: AppContext, args: argparse.Namespace) -> int:
    """Exit 0 when every row was imported as it is, 1 when some were refused or a value was set
    aside (a conflict), 2 when the file or its columns cannot be used at all."""
    from pathlib import Path

    from surveys.i18n import t
    from surveys.people.reading import ImportFileError, guess_mapping, missing_required, read_table
    from surveys.people.writing import import_people

    prepare_database(context)
    path = Path(args.file)
    try:
        table = read_table(path.read_bytes(), path.name)
    except OSError as error:
        print(t("people_import.errors.unreadable", detail=error.strerror or error), file=sys.stderr)
        return 2
    except ImportFileError as error:
        print(t("people_import.error_prefix") + str(error), file=sys.stderr)
        return 2
    mapping = guess_mapping(table.headers)
    if missing := missing_required(mapping):
        fields = ", ".join(t(f"people_import.fields.{name}") for name in missing)
        print(t("people_import.errors.missing_columns", fields=fields), file=sys.stderr)
        return 2
    report = import_people(
        engine=context.engine,
        table=table,
        mapping=mapping,
        actor=f"cli:{path.name}",
        dry_run=args.dry_run,
    )
    _print_import_report(report)
    return 1 if report.problems or report.warnings else 0


def _session_link(context: AppContext, args: argparse.Namespace) -> int:
    from pathlib import Path

    from surveys.http.public_url import PublicUrlUnknown, public_base_url
    from surveys.i18n import t
    from surveys.room.sheets import SessionLinkError, kit_for_session, write_kit

    try:
        base_url = public_base_url(context.engine, context.settings)
        with write_session(context.engine) as session:
            kit = kit_for_session(
                session,
                code=args.session,
                timing=args.timing,
                session_secret=context.settings.session_secret,
                base_url=base_url,
            )
        print(write_kit(kit, Path(args.out)))
    except SessionLinkError as error:
        print(t(error.key, "fr", **error.params), file=sys.stderr)
        return 2
    except (PublicUrlUnknown, OSError) as error:
        print(error, file=sys.stderr)
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m surveys", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init", help="upgrade the database to the latest schema")
    demo = commands.add_parser("demo", help="load the demo organisation into an empty database")
    demo.add_argument(
        "--if-empty",
        action="store_true",
        help="do nothing (and succeed) when the database already holds data",
    )
    demo.add_argument(
        "--scale",
        choices=sorted(SCALES),
        default="standard",
        help="standard (650 people) or large (about 50,000 people, 2,000 sessions, "
        "1,000,000 answers)",
    )
    user = commands.add_parser("create-user", help="create a staff account (password on stdin)")
    user.add_argument("--email", required=True)
    user.add_argument("--role", required=True, choices=["admin", "quality", "director"])
    user.add_argument("--name", default="")
    commands.add_parser("status", help="count the main rows")
    people = commands.add_parser("import-people", help="import people and sessions (CSV/XLSX)")
    people.add_argument("file", help="CSV (; or , separated) or XLSX file")
    people.add_argument("--dry-run", action="store_true", help="check and count, save nothing")
    purge = commands.add_parser("purge", help="anonymise people past the retention period")
    purge.add_argument("--dry-run", action="store_true", help="count, change nothing")
    backup = commands.add_parser("backup", help="consistent copy of the live SQLite database")
    backup.add_argument("directory")
    restore = commands.add_parser("restore", help="bring back a backup made by `backup`")
    restore.add_argument("file")
    link = commands.add_parser(
        "session-link", help="the session link of a session's survey: URL, QR code, A4 sheet"
    )
    link.add_argument("--session", required=True, help="the session's code")
    link.add_argument("--timing", choices=["hot", "cold"], default="hot")
    link.add_argument("--out", default=".", help="directory for the PNG and the PDF")
    return parser


HANDLERS = {
    "session-link": _session_link,
    "init": _init,
    "demo": _demo,
    "create-user": _create_user,
    "status": _status,
    "import-people": _import_people,
    "purge": _purge,
    "backup": _backup,
    "restore": _restore,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        context = app_context()
    except SettingsError as error:
        print(f"Configuration : {error}", file=sys.stderr)
        return 2
    return HANDLERS[args.command](context, args)
