"""`make bench`'s autosave figure: the load test of load_autosave.py against a web server
this script starts itself, so that it needs nothing running beforehand.

    python benchmarks/bench_autosave.py [--users 50] [--rounds 3] [--overwrites 3] ...
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/gradient_bench \\
        python benchmarks/bench_autosave.py

Starts the production web server, gunicorn with config/gunicorn.py (WEB_CONCURRENCY
processes of GRADIENT_WEB_THREADS threads; 4 x 4 unless set), on 127.0.0.1 and a free
port against the benchmark database (DEBUG off, no access log), runs load_autosave.py's
phases and checks (all its options apply but --url), and stops the server. Against
`make serve` itself, run load_autosave.py directly.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common
import load_autosave

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_server(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        **_common.bench_environment(),
        "GRADIENT_WEB_BIND": f"{HOST}:{port}",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "4"),
        "GRADIENT_WEB_ACCESS_LOG": "0",
        "PYTHONUNBUFFERED": "1",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log_path.open("wb") as log:
        return subprocess.Popen(  # noqa: S603 - fixed command, our own configuration
            [str(gunicorn), "--config", "python:config.gunicorn"],
            cwd=_common.ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_until_serving(server: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log_path.read_text("utf-8", errors="replace")[-2000:]
            raise SystemExit(f"the server exited with {server.returncode}:\n{tail}")
        try:
            httpx.get(f"http://{HOST}:{port}/healthz", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def main() -> None:
    import logging

    argv = sys.argv[1:]
    if "--url" in argv:
        raise SystemExit("bench_autosave.py starts its own server; use load_autosave.py --url")
    _common.setup_django()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    port = free_port()
    args = load_autosave.parse_args([*argv, "--url", f"http://{HOST}:{port}"])
    log_path = Path(tempfile.gettempdir()) / f"gradient-bench-gunicorn-{port}.log"
    server = start_server(port, log_path)
    try:
        wait_until_serving(server, port, log_path)
        print(f"server: gunicorn (config/gunicorn.py) on {HOST}:{port}, log {log_path}")
        summaries, sound = load_autosave.run(args)
    finally:
        stop_server(server)
    _common.print_summary(summaries)
    _common.write_summary(args.summary_json, summaries)
    if not sound:
        sys.exit(1)


if __name__ == "__main__":
    main()
