"""Command-line tools: `flask --app app demo` and friends."""
from __future__ import annotations

import time

import click
from flask import Flask


def init_cli(app: Flask) -> None:
    @app.cli.command("demo")
    @click.option("--reset", is_flag=True, help="Drop the existing demo school first.")
    def demo_command(reset: bool) -> None:
        """Load the demo school (idempotent: a second run changes nothing)."""
        from demo.generator import load_demo

        started = time.perf_counter()
        counts = load_demo(reset=reset)
        for name, count in counts.items():
            click.echo(f"{name:>22}: {count}")
        click.echo(f"done in {time.perf_counter() - started:.1f} s")
