#!/usr/bin/env python3
"""The two set-up commands of the README, with nothing but Python 3.11+ installed.

    python3 dev.py          # create .venv, install, migrate, load the demo province, serve on SQLite
                            # (with the task worker beside the server); an address may follow:
                            # python3 dev.py 0.0.0.0:8080
    python3 dev.py test     # create .venv, install, run the whole test suite (pytest args may follow)

Set DATABASE_URL to run either against PostgreSQL instead of the SQLite file.
"""

import hashlib
import os
import secrets
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
REQUIREMENTS = ROOT / "requirements-dev.txt"


def run(*args: str | Path, **kwargs) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, **kwargs)


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py itself must explain an old Python
        sys.exit("Cần Python 3.11 trở lên / Python 3.11+ is required.")
    if not PYTHON.exists():
        print("Tạo môi trường ảo .venv …", flush=True)
        venv.create(VENV, with_pip=True)
    # Reinstall only when the requirement files changed since the last install.
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(ROOT.glob("requirements*.txt")))).hexdigest()
    stamp = VENV / ".requirements.sha256"
    if not stamp.exists() or stamp.read_text() != digest:
        print("Cài đặt thư viện …", flush=True)
        run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS)
        stamp.write_text(digest)
    env_file = ROOT / ".env"
    if not env_file.exists():
        env_file.write_text(f"DEBUG=1\nSECRET_KEY={secrets.token_urlsafe(50)}\n")


def manage(*args: str) -> None:
    run(PYTHON, "manage.py", *args)


def serve(argv: list[str]) -> None:
    address = argv[0] if argv else "127.0.0.1:8000"
    ensure_environment()
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo")
    # seed_demo has printed the demo logins; the address comes last, where the eye lands.
    print(f"\nỨng dụng: http://{address}/  (Ctrl+C để dừng)\n", flush=True)
    # The task worker (imports of large workbooks) runs beside the server and stops with it;
    # run_worker is db_worker with a heartbeat, which /healthz reports.
    worker = subprocess.Popen([str(PYTHON), "manage.py", "run_worker"], cwd=ROOT)
    try:
        manage("runserver", address)
    finally:
        worker.terminate()
        worker.wait(timeout=15)


def test(argv: list[str]) -> int:
    ensure_environment()
    return subprocess.run([str(PYTHON), "-m", "pytest", *argv], cwd=ROOT).returncode


def main() -> int:
    command, argv = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("serve", [])
    if command not in ("test", "serve") and (command.isdigit() or ":" in command):
        command, argv = "serve", [command]  # python3 dev.py 8080 | 0.0.0.0:8080
    if command == "test":
        return test(argv)
    if command == "serve":
        serve(argv)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
