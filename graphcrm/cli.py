"""The ``graphcrm`` command: a thin click layer over GraphStore and the analysis.

Every command reads its settings from the environment
(docs/reference/configuration.md), opens the store (starting the embedded
database when needed) and prints either text or, with ``--json``, JSON.  Domain errors end in one line on stderr and
exit status 1, never a traceback.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import signal
import sys
from pathlib import Path

import click

from graphcrm import __version__
from graphcrm.access import IMPORTERS, Actor
from graphcrm.audit import reset_actor, set_actor
from graphcrm.config import Settings
from graphcrm.errors import GraphCRMError
from graphcrm.graph import embedded_server, open_store
from graphcrm.model import USER_LANGUAGES, USER_ROLES


def fail_cleanly(command):
    """Turn domain errors into a one-line message and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except GraphCRMError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


class Context:
    """What every command shares, on first use: the settings and the store
    (read inside the command, so that a bad setting is a one-line error)."""

    def __init__(self):
        self._settings = None
        self._store = None
        self.as_user: str | None = None  # the name given with --as

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env()
        return self._settings

    @property
    def store(self):
        return self.open_store()

    def open_store(self, *, setup_schema: bool = True):
        """The store, opened on first use (``setup_schema``: see :func:`graphcrm.graph.open_store`)."""
        if self._store is None:
            self._store = open_store(self.settings, setup_schema=setup_schema)
            click.get_current_context().call_on_close(self._store.close)
        return self._store

    def store_with_schema(self):
        """The store with its schema set up first (``graphcrm init``; on Neo4j it needs schema rights)."""
        store = self.open_store(setup_schema=False)
        store.setup_schema()
        return store


pass_context = click.make_pass_decorator(Context, ensure=True)


@click.group()
@click.version_option(__version__, prog_name="graphcrm")
@click.option("--as", "actor", metavar="NAME",
              help="Who the audit log records for changes (default: the OS user); an import by the username "
                   "of a GraphCRM user gets that user's rights.")
@click.pass_context
def main(ctx: click.Context, actor: str | None):
    """GraphCRM: stakeholder networks for B2B project sales."""
    ctx.ensure_object(Context).as_user = actor
    token = set_actor(actor or _os_user(), via="cli")
    ctx.call_on_close(lambda: reset_actor(token))


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return f"uid {os.getuid()}"


@main.command()
@pass_context
@fail_cleanly
def init(ctx: Context):
    """Create the database schema (unique ids, indexes); safe to run again.

    On Neo4j run it once as a database user with schema rights (the app's own
    user needs none: at start it only checks the schema and warns)."""
    store = ctx.store_with_schema()
    click.echo(f"schema ready on {store.backend_name} at {store.location}")


@main.command()
@pass_context
@fail_cleanly
def demo(ctx: Context):
    """Set up the schema and load the demo portfolio (idempotent: loading twice changes nothing but versions)."""
    from graphcrm.demo import DEMO_PASSWORD, load_demo

    counts = load_demo(ctx.store_with_schema())
    click.echo(f"demo portfolio loaded: {counts['nodes']} nodes, {counts['relationships']} relationships")
    click.echo(f"demo logins: director / admin / lina (password: {DEMO_PASSWORD})")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--prod", is_flag=True, help="Serve with waitress (needs GRAPHCRM_SECRET_KEY).")
@click.option("--demo", "with_demo", is_flag=True, help="Set up the schema and load the demo portfolio first.")
@click.option("--plain-http", is_flag=True,
              help="With --prod: no HTTPS redirect, HSTS or Secure cookie (loopback benchmarks only).")
@fail_cleanly
def serve(host: str, port: int, prod: bool, with_demo: bool, plain_http: bool):
    """Run the web app."""
    from graphcrm.web import create_app

    app = create_app({"PRODUCTION": prod, "HTTPS": prod and not plain_http})
    if with_demo:
        from graphcrm.demo import DEMO_PASSWORD, load_demo

        with app.app_context():
            from graphcrm.web.db import get_store

            store = get_store()
            store.setup_schema()  # as `graphcrm init` does
            load_demo(store)
        click.echo(f"demo portfolio loaded; log in as director, admin or lina with password {DEMO_PASSWORD}")
    click.echo(f"GraphCRM on http://{host}:{port}/")
    # SIGTERM ends the process through sys.exit, so the embedded server started
    # for it is stopped cleanly at exit
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if prod:
        import waitress

        # HTTPS ends at the reverse proxy: believe its scheme and client address
        waitress.serve(app, host=host, port=port, threads=16,
                       trusted_proxy=app.config["GRAPHCRM_SETTINGS"].trusted_proxy,
                       trusted_proxy_headers={"x-forwarded-proto", "x-forwarded-for"},
                       clear_untrusted_proxy_headers=True)
    else:
        app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)


# -- db ------------------------------------------------------------------------


@main.group()
def db():
    """The database: start, stop, status."""


@db.command("start")
@pass_context
@fail_cleanly
def db_start(ctx: Context):
    """Start the embedded database server and leave it running."""
    if ctx.settings.database_url:
        raise click.ClickException("GRAPHCRM_DATABASE_URL names a Neo4j server: nothing to start here")
    server = embedded_server(ctx.settings)
    if server.start():
        click.echo(f"embedded FalkorDB started (pid {server.pid()}, data in {server.data_dir})")
    else:
        click.echo(f"embedded FalkorDB already running (pid {server.pid()}, data in {server.data_dir})")


@db.command("stop")
@pass_context
@fail_cleanly
def db_stop(ctx: Context):
    """Stop the embedded database server cleanly."""
    server = embedded_server(ctx.settings)
    if server.stop():
        click.echo("embedded FalkorDB stopped")
    else:
        click.echo("embedded FalkorDB was not running")


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
@fail_cleanly
def db_status(ctx: Context, as_json: bool):
    """Backend, location, and counts per label and relationship type."""
    # read-only: a server that does not answer is reported, never ended or replaced
    store = open_store(ctx.settings, setup_schema=False, read_only=True)
    click.get_current_context().call_on_close(store.close)
    stats = store.stats()
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    click.echo(f"backend: {stats['backend']}\nlocation: {stats['location']}")
    click.echo("nodes:")
    for label, n in stats["nodes"].items():
        click.echo(f"  {label:<14}{n:>8}")
    click.echo("relationships:")
    for rel_type, n in stats["relationships"].items():
        click.echo(f"  {rel_type:<14}{n:>8}")


@db.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
@fail_cleanly
def db_check(ctx: Context, as_json: bool):
    """Integrity report: half-finished writes, reports-to cycles, second managers,
    records of one name; exit 1 when something is wrong."""
    store = open_store(ctx.settings, setup_schema=False, read_only=True)
    click.get_current_context().call_on_close(store.close)
    problems = [{**p, "name": p.get("name")} for p in store.integrity_problems()] + store.map_problems()
    if as_json:
        click.echo(json.dumps(problems, ensure_ascii=False, indent=2))
    else:
        for p in problems:
            click.echo(f"{p['problem']}: {p['id']}" + (f" ({p['name']})" if p.get("name") else ""))
        click.echo(f"{len(problems)} problem(s)")
    if problems:
        sys.exit(1)


# -- users ------------------------------------------------------------------------


@main.group()
def user():
    """Login accounts of our own team."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(list(USER_ROLES)))
@click.option("--name", "display_name", help="Display name (default: the username).")
@click.option("--email", help="Where the weekly digest goes (none: no digest).")
@click.option("--language", type=click.Choice(list(USER_LANGUAGES)), help="The digest's language (default: en).")
@pass_context
@fail_cleanly
def user_add(ctx: Context, username: str, role: str, display_name: str | None, email: str | None,
             language: str | None):
    """Add a user; the password comes from GRAPHCRM_PASSWORD or a prompt."""
    from graphcrm.users import add_user

    password = os.environ.get("GRAPHCRM_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise click.ClickException("no password: set GRAPHCRM_PASSWORD or run in a terminal")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    created = add_user(ctx.store, username, role=role, password=password, display_name=display_name, email=email,
                       language=language)
    click.echo(f"user {created['username']} ({created['role']}) added with id {created['id']}")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
@fail_cleanly
def user_list(ctx: Context, as_json: bool):
    """List the users."""
    users = [
        {k: u.get(k) for k in ("id", "username", "display_name", "role", "active")}
        for u in ctx.store.list_nodes("User")
    ]
    if as_json:
        click.echo(json.dumps(users, ensure_ascii=False, indent=2))
        return
    for u in sorted(users, key=lambda u: u["username"]):
        state = "" if u.get("active", True) else "  (deactivated)"
        click.echo(f"{u['username']:<20}{u['role']:<10}{u['display_name']}{state}")


@main.command()
@click.option("--dry-run", is_flag=True, help="Print the messages that would be sent; send nothing.")
@click.option("--user", "username", metavar="NAME", help="Only this user's digest.")
@pass_context
@fail_cleanly
def digest(ctx: Context, dry_run: bool, username: str | None):
    """E-mail each user their weekly digest: overdue contacts, bids closing soon, alerts.

    Every active user with an e-mail address gets one, in their language,
    with links to GRAPHCRM_BASE_URL, through the server of GRAPHCRM_SMTP_HOST
    (unset: e-mail is off and only --dry-run works).  Run it once a week
    (docs/admin/operations.md: a cron or systemd timer)."""
    from graphcrm.mail import check_mail, send
    from graphcrm.web import create_app
    from graphcrm.web.digest import dry_run_text, weekly_digests

    if not dry_run:
        check_mail(ctx.settings)  # before any work
    app = create_app({"SETTINGS": ctx.settings})
    app.extensions["graphcrm_store"] = ctx.store
    digests = weekly_digests(app, username)
    if dry_run:
        for one in digests:
            click.echo(dry_run_text(one) + "-" * 72)
        click.echo(f"{len(digests)} digest(s) would be sent; nothing was sent (--dry-run)")
        return
    sent = send([one.message for one in digests], ctx.settings)
    click.echo(f"{sent} digest(s) sent through {ctx.settings.smtp_host}:{ctx.settings.smtp_port}")


# -- analysis -----------------------------------------------------------------------


@main.command()
@click.argument("scope", type=click.Choice(["portfolio", "account", "opportunity"]))
@click.argument("ident", required=False)
@click.option("--as-of", "as_of", metavar="DATE",
              help="Analyse the map as it was at the end of that day, YYYY-MM-DD (accounts and opportunities).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
@fail_cleanly
def analyze(ctx: Context, scope: str, ident: str | None, as_of: str | None, as_json: bool):
    """Analysis results: `analyze portfolio`, `analyze account ID`, `analyze opportunity ID [--as-of DATE]`."""
    from graphcrm import analysis

    if scope != "portfolio" and not ident:
        raise click.UsageError(f"`analyze {scope}` needs the {scope}'s id")
    if scope == "portfolio" and as_of:
        raise click.UsageError("--as-of is for an account or an opportunity")
    store = ctx.store
    if scope == "portfolio":
        report = analysis.portfolio_report(store.portfolio_graph(for_analysis=True),
                                           workers=ctx.settings.analysis_workers)
    elif scope == "account":
        G = _graph_as_of(store, "Account", ident, as_of) if as_of else store.account_graph(ident)
        report = analysis.account_report(G, ident)
    else:
        G = _graph_as_of(store, "Opportunity", ident, as_of) if as_of else store.opportunity_graph(ident)
        report = analysis.opportunity_report(G, ident)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(analysis.format_report(report))


def _graph_as_of(store, label: str, ident: str, day: str):
    """The account graph of ``ident`` (an account or an opportunity) as it was at the end of ``day``."""
    from datetime import datetime, timezone

    from graphcrm.asof import graph_as_of, moment_of
    from graphcrm.errors import NotFound

    account_id = store.account_of(label, ident)
    if account_id is None:
        raise NotFound(label, ident)
    moment = moment_of(day, today=datetime.now(timezone.utc).date(), first=store.get(label, ident).get("created_at"),
                       field="--as-of")
    G = graph_as_of(store.account_graph(account_id), store.account_history(account_id, moment)["entries"], moment)
    if label == "Opportunity":
        G.graph.update(kind="opportunity", opportunity_id=ident)
    return G


#: the label of each scope of ``graphcrm history``
HISTORY_SCOPES = {"account": "Account", "opportunity": "Opportunity", "person": "Person"}


@main.command()
@click.argument("scope", type=click.Choice(list(HISTORY_SCOPES)))
@click.argument("ident")
@click.option("--since", metavar="DATE", help="The first day to show, YYYY-MM-DD (default: a week ago).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
@fail_cleanly
def history(ctx: Context, scope: str, ident: str, since: str | None, as_json: bool):
    """What changed since a date: `history account|opportunity|person ID [--since DATE]`, newest first."""
    from datetime import date, datetime, timedelta, timezone

    from graphcrm.errors import NotFound, ValidationError
    from graphcrm.history import about, account_changes, describe

    today = datetime.now(timezone.utc).date()
    try:
        first = date.fromisoformat(since) if since else today - timedelta(days=7)
    except ValueError:
        raise ValidationError("--since", "must be a date like 2026-05-01") from None
    if first > today:
        raise ValidationError("--since", "must not be in the future")
    account_id = ctx.store.account_of(HISTORY_SCOPES[scope], ident)
    if account_id is None:
        raise NotFound(HISTORY_SCOPES[scope], ident)
    found = ctx.store.account_history(account_id, first.isoformat())
    changes = account_changes(found if scope == "account" else about(found, ident))
    if as_json:
        click.echo(json.dumps([{**c, "text": describe(c)} for c in changes], ensure_ascii=False, indent=2))
        return
    for change in changes:
        click.echo(f"{change['at'][:16].replace('T', ' ')}  {change['actor']}: {describe(change)}")
    click.echo(f"{len(changes)} changes since {first.isoformat()}")


@main.command()
@click.argument("scope", type=click.Choice(["opportunity", "account"]))
@click.argument("ident")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The PDF file to write.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="The language of the pack.")
@pass_context
@fail_cleanly
def review(ctx: Context, scope: str, ident: str, output: Path, lang: str):
    """The bid review pack as a PDF of at most two A4 pages: `review opportunity|account ID -o FILE.pdf`."""
    from graphcrm.web import create_app
    from graphcrm.web.review import operator_pdf

    with create_app({"SETTINGS": ctx.settings}).app_context():
        pdf = operator_pdf(ctx.store, scope, ident, lang)
    output.write_bytes(pdf)
    click.echo(f"{output}: the review pack of {scope} {ident} ({len(pdf) // 1024} KB)")


# -- import, export, backup, restore, forget -------------------------------------------------


def _progress(length: int, label: str):
    """A progress bar on stderr (stdout stays clean for --json)."""
    return click.progressbar(length=length, label=label, file=sys.stderr)


def _import_actor(ctx: Context) -> Actor | None:
    """Who an import acts for: the GraphCRM user named with ``--as``, with
    that user's rights; else the operator, who may write everything."""
    if ctx.as_user is None:
        return None
    user = ctx.store.user_by_username(ctx.as_user)
    if user is None:
        return None
    if not user.get("active", True) or user.get("role") not in IMPORTERS:
        raise click.ClickException(f"{ctx.as_user} may not import (role {user.get('role')})")
    member_of = frozenset(ctx.store.member_accounts(user["id"]))
    return Actor(user["id"], user["role"], member_of)


def _encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The Python codec name of ``--encoding`` (a usage error when there is none)."""
    from graphcrm.transfer.csvio import encoding_name

    try:
        return encoding_name(value) if value else None
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r} (e.g. gb18030, cp1252)") from None


_encoding_option = click.option(
    "--encoding", metavar="NAME", callback=_encoding,
    help="Encoding of the files not in UTF-8, e.g. gb18030 or cp1252 (default: detected; a file that could be "
         "in several is refused).")


def _run_import(ctx: Context, plan, dry_run: bool, as_json: bool) -> None:
    report = plan.resolve(ctx.store, actor=_import_actor(ctx))
    if not dry_run and report.ok:
        with _progress(plan.rows_to_write(), "writing") as bar:
            plan.apply(ctx.store, progress=bar.update)
    else:
        report.dry_run = dry_run
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if as_json else report.text())
    if not report.ok:
        sys.exit(1)


@main.group("import")
def import_():
    """Import a Salesforce export or the GraphCRM templates (CSV or .xlsx)."""


@import_.command("salesforce")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON file of stage, role and account-type mappings (docs/reference/formats.md).")
@_encoding_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_context
@fail_cleanly
def import_salesforce(ctx: Context, directory: Path, dry_run: bool, mapping: Path | None, encoding: str | None,
                      as_json: bool):
    """Import the Salesforce export (Account.csv, Contact.csv...) in DIRECTORY."""
    from graphcrm.transfer.salesforce import Mapping, read_salesforce

    plan = read_salesforce(directory, Mapping.from_file(mapping) if mapping else None, encoding=encoding)
    _run_import(ctx, plan, dry_run, as_json)


@import_.command("csv")
@click.argument("source", metavar="DIRECTORY|WORKBOOK", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@_encoding_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_context
@fail_cleanly
def import_csv(ctx: Context, source: Path, dry_run: bool, encoding: str | None, as_json: bool):
    """Import the GraphCRM templates: the files in DIRECTORY (accounts.csv, people.csv or people.xlsx,
    works_at.csv...; or a workbook with a sheet per template, named people, works_at...), or one WORKBOOK (.xlsx)."""
    from graphcrm.transfer.templates import read_templates

    _run_import(ctx, read_templates(source, encoding=encoding), dry_run, as_json)


@main.command()
@click.option("--format", "fmt", required=True, type=click.Choice(["graphml", "gexf", "json", "csv"]))
@click.option("--account", "account_id", help="Only this account's graph (default: the whole database).")
@click.option("--no-pii", is_flag=True, help="Leave out e-mails, phones and notes.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File (csv: a folder, or a .zip); default: graphcrm-export.<format>.")
@pass_context
@fail_cleanly
def export(ctx: Context, fmt: str, account_id: str | None, no_pii: bool, output: Path | None):
    """Export the graph for Gephi, NetworkX, spreadsheets (docs/reference/formats.md: the None/list rule)."""
    from graphcrm.transfer.export import export_graph, record_export, write

    G = export_graph(ctx.store, account_id, no_pii=no_pii)
    path = write(G, fmt, output or Path(f"graphcrm-export{'' if fmt == 'csv' else '.' + fmt}"))
    record_export(ctx.store, G, fmt, target=account_id)
    click.echo(f"exported {G.number_of_nodes()} nodes and {G.number_of_edges()} relationships to {path}")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_context
@fail_cleanly
def backup(ctx: Context, file: Path):
    """Write a complete backup of the database to FILE (JSON Lines)."""
    from graphcrm.transfer.backup import backup as run_backup

    stats = ctx.store.stats()
    with _progress(sum(stats["nodes"].values()) + sum(stats["relationships"].values()), "backup") as bar:
        counts = run_backup(ctx.store, file, progress=bar.update)
    click.echo(f"backup of {counts['nodes']} nodes and {counts['relationships']} relationships in {file}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--merge", is_flag=True, help="Restore into a database that is not empty (the file's objects win).")
@pass_context
@fail_cleanly
def restore(ctx: Context, file: Path, merge: bool):
    """Restore a backup FILE into an empty database."""
    from graphcrm.transfer.backup import restore as run_restore

    counts = run_restore(ctx.store, file, merge=merge)
    click.echo(f"restored {counts['nodes']} nodes and {counts['relationships']} relationships from {file}")


@main.command()
@click.argument("person_id")
@click.option("--by", default=None, help="Who asks for it (default: the login name).")
@click.confirmation_option(prompt="Erase this person's personal data and interaction notes for good?")
@pass_context
@fail_cleanly
def forget(ctx: Context, person_id: str, by: str | None):
    """Erase a person's personal data, keeping an anonymous placeholder."""
    import getpass

    from graphcrm.transfer.forget import forget as run_forget

    result = run_forget(ctx.store, person_id, by=by or f"cli:{getpass.getuser()}")
    click.echo(f"{person_id}: personal data erased ({result['interactions_erased']} interaction notes), "
               f"by {result['erased_by']} at {result['erased_at']}")


if __name__ == "__main__":
    main()
