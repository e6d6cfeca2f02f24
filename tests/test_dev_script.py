"""dev.py shows pip's progress on the first start instead of running silently for minutes."""

import importlib.util
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_dev():
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pip_is_not_quiet_and_shows_a_progress_bar():
    command = load_dev().pip_command()
    assert "-q" not in command and "--quiet" not in command
    assert command[command.index("--progress-bar") + 1] == "on"
    assert command[-2:] == ["-r", str(ROOT / "requirements.txt")]


def test_requirement_lines_count_only_packages():
    lines = load_dev().requirement_lines()
    assert lines and all("==" in line and not line.startswith("#") for line in lines)
    raw = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if line.strip()]
    assert len(lines) == len([line for line in raw if not line.lstrip().startswith("#")])


def test_install_announces_package_count_and_runs_pip_verbosely(tmp_path, monkeypatch, capsys):
    dev = load_dev()
    python = tmp_path / "bin" / "python"
    python.parent.mkdir()
    python.write_text("")
    monkeypatch.setattr(dev, "PYTHON", python)
    monkeypatch.setattr(dev, "STAMP", tmp_path / "stamp")
    calls = []

    def fake_run(command, cwd):
        calls.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(dev.subprocess, "run", fake_run)
    dev.ensure_venv()
    out = capsys.readouterr().out
    assert f"installing {len(dev.requirement_lines())} packages" in out
    assert calls == [dev.pip_command()]
    assert (tmp_path / "stamp").read_text().strip()
    dev.ensure_venv()  # unchanged requirements: no second install
    assert len(calls) == 1
