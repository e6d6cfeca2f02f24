"""Command-line tools: `flask --app app demo`, `create-operator`, `backup`, `restore`, `jobs worker` and
`verify-seals`, `backup-scheduled`, `backup-drill`."""

from __future__ import annotations

import time

import click
from flask import Flask


def init_cli(app: Flask) -> None:
    @app.cli.command("demo")
    @click.option("--reset", is_flag=True, help="Drop the existing demo schools first.")
    @click.option(
        "--kind",
        type=click.Choice(["ru", "kz", "both"]),
        default="ru",
        envvar="DEMO_KIND",
        show_default=True,
        help="The Russian demo school, the Kazakhstan one (demo/kazakh.py) or both (env DEMO_KIND).",
    )
    def demo_command(reset: bool, kind: str) -> None:
        """Load the demo school (idempotent: a second run changes nothing)."""
        from demo.generator import load_demo

        started = time.perf_counter()
        for i, one in enumerate(("ru", "kz") if kind == "both" else (kind,)):
            counts = load_demo(reset=reset and i == 0, kind=one)
        for name, count in counts.items():
            click.echo(f"{name:>22}: {count}")
        click.echo(f"done in {time.perf_counter() - started:.1f} s")

    _register_account_commands(app)
    _register_backup_commands(app)
    _register_job_commands(app)
    _register_seal_commands(app)


def _register_backup_commands(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, writable=True))
    def backup_command(path: str) -> None:
        """Write every table, read at one snapshot, into one zip file (see backup.py); restore it with `restore`."""
        from backup import BackupError, write_backup
        from models import db

        started = time.perf_counter()
        try:
            with open(path, "wb") as out:
                manifest = write_backup(db.engine, db.metadata, out)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        click.echo(
            f"{path}: {len(manifest['tables'])} tables, {rows} rows, schema {manifest['revision']}, "
            f"one snapshot ({manifest['snapshot']}), {time.perf_counter() - started:.1f} s"
        )

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def restore_command(path: str) -> None:
        """Restore a backup into this empty database (migrated to the same revision), then check it."""
        from backup import BackupError, read_backup
        from models import db

        try:
            with open(path, "rb") as source:
                manifest = read_backup(db.session, db.metadata, source)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        checks = manifest.get("checks")
        checked = (
            f"and {len(checks)} cross-table checks match the backup's snapshot"
            if checks is not None
            else "match, foreign keys resolve (a format 1 backup records no snapshot checks)"
        )
        click.echo(f"restored {rows} rows of {len(manifest['tables'])} tables from {path}; counts, checksums {checked}")

    @app.cli.command("backup-scheduled")
    @click.option("--now", "force", is_flag=True, help="Make one now, whatever the schedule says.")
    def backup_scheduled_command(force: bool) -> None:
        """The backup the schedule asks for (backups page), into BACKUP_DIR, checked and recorded; then "keep N".
        The job worker runs this every 15 minutes; without a worker, run it from cron as often."""
        from backup_keeper import make_backup, prune, run_scheduled
        from models.backups import plan

        run = make_backup("cli") if force else run_scheduled()
        if force:
            prune(plan().keep)
        if run is None:
            click.echo("no backup due")
            return
        if not run.verified:
            raise click.ClickException(f"backup {run.id} failed: {run.error}")
        click.echo(f"backup {run.id}: {run.file_name}, {run.size_bytes} bytes, {run.rows} rows, verified")

    @app.cli.command("backup-drill")
    @click.option(
        "--scratch-url", default=None, help="An empty database to restore into (default: a temporary SQLite file)."
    )
    def backup_drill_command(scratch_url: str | None) -> None:
        """Restore the latest good backup into a scratch database and compare it table by table with the file."""
        from backup_keeper import drill

        started = time.perf_counter()
        result = drill(scratch_url)
        for line in result.differences:
            click.echo(f"  {line}")
        if not result.ok:
            raise click.ClickException("restore drill failed")
        click.echo(
            f"restore drill of backup {result.run.id} ({result.run.file_name}) into {result.scratch}: "
            f"{result.rows} rows of {result.tables} tables restored, every table compared again with the file, "
            f"{time.perf_counter() - started:.1f} s"
        )


def _register_account_commands(app: Flask) -> None:
    @app.cli.command("create-operator")
    @click.argument("login")
    @click.option("--school-code", required=True, help="School.code of the school the operator runs.")
    @click.password_option(help="At least 8 characters; asked for when not given.")
    def create_operator(login: str, school_code: str, password: str) -> None:
        """Create the first operator account of a school (later staff get invitation codes)."""
        from sqlalchemy import select

        from models import School, User, UserRole, db
        from models.accounts.auth import hash_password, new_session_token, normalize_login, password_problem

        school = db.session.scalar(select(School).where(School.code == school_code))
        if school is None:
            raise click.ClickException(f"Школа с кодом {school_code!r} не найдена.")
        login = normalize_login(login)
        if db.session.scalar(select(User.id).where(User.login == login)):
            raise click.ClickException(f"Логин {login!r} уже занят.")
        problem = password_problem(password, login=login)
        if problem:
            raise click.ClickException(problem.message)
        user = User(
            school_id=school.id, login=login, password_hash=hash_password(password), session_token=new_session_token()
        )
        user.roles = [UserRole(role="operator")]
        db.session.add(user)
        db.session.commit()
        click.echo(f"Оператор {login} создан для {school.short_name}.")


def _register_job_commands(app: Flask) -> None:
    jobs = click.Group("jobs", help="Background jobs (tasks.py): the queue's consumer and its housekeeping.")
    app.cli.add_command(jobs)

    @jobs.command("worker")
    @click.option("--workers", default=1, show_default=True, help="Jobs run at once (threads).")
    def worker_command(workers: int) -> None:
        """Run the consumer of the job queue until Ctrl+C / SIGTERM. On the embedded (SQLite) queue it is the
        machine's only consumer: jobs left running by a killed one are retried at once."""
        from flask import current_app

        import tasks

        tasks._APP = current_app._get_current_object()
        again = tasks.reap(all_running=tasks.embedded_queue())
        if again:
            click.echo(f"jobs: retrying interrupted jobs {again}")
        click.echo(f"jobs: consumer on {type(tasks.huey).__name__}, {workers} worker(s)")
        tasks.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()

    @jobs.command("housekeeping")
    def housekeeping_command() -> None:
        """Return jobs of dead workers to the queue and delete files of jobs older than the keeping time."""
        import tasks

        again = tasks.reap()
        click.echo(f"retried {len(again)} job(s), deleted {tasks.delete_old_files()} old file(s)")


def _register_seal_commands(app: Flask) -> None:
    @app.cli.command("verify-seals")
    @click.option("--school-code", default=None, help="Only this school (School.code); every school otherwise.")
    def verify_seals_command(school_code: str | None) -> None:
        """Verify the seal of every archived year: exit code 1 and each differing row named when a year's marks,
        lessons, attendance, period marks or the printouts made at archiving changed after it was archived
        (models/school/seal.py)."""
        from sqlalchemy import select

        from archive_files import file_digest
        from models import AcademicYear, School, db
        from models.i18n import Text
        from models.school.seal import summary, verify_year

        query = select(AcademicYear).join(School).where(AcademicYear.archived_at.is_not(None))
        if school_code:
            query = query.where(School.code == school_code)
        failed = 0
        for year in db.session.scalars(query.order_by(School.code, AcademicYear.starts_on)):
            check = verify_year(year, file_digest=file_digest)
            failed += check.state != "intact"
            click.echo(f"{year.school.code} {summary(check)}")
            for d in check.named:
                click.echo(f"  {Text(d.part_label)} #{d.row_id} {d.description}: {Text(d.change_label)}")
        if failed:
            raise click.exceptions.Exit(1)
