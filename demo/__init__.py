"""The demo school: `flask --app app demo` loads it; `bench/generate.py` builds a district from it."""

from .generator import DEMO_ACCOUNTS, DEMO_PASSWORD, Scale, load_demo

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "Scale", "load_demo"]
