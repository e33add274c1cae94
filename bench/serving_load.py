"""Servers and load for the serving benchmark: gunicorn started and stopped here, wrk on loopback, CPU from /proc.

Every process started here is stopped here, and every wait has a deadline.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))



WRK = shutil.which("wrk") or "/usr/bin/wrk"
BIN = Path(sys.executable).parent
# --- servers and load ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen[bytes]


@contextmanager
def gunicorn(
    name: str, env: dict[str, str], log_dir: Path, *, app: str = "bench_wsgi:app", ready_path: str = "/robots.txt"
) -> Iterator[Server]:
    """Run an app of bench/ under gunicorn.conf.py on a free loopback port until the block ends."""
    port = free_port()
    log = open(log_dir / f"gunicorn-{name}.log", "wb")  # noqa: SIM115 - closed in the finally below, after the server stops
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--pythonpath", "bench", app],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    server = Server(name, f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn {name} exited with {process.returncode}; see {log.name}")
            try:
                urllib.request.urlopen(server.base + ready_path, timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {name} did not start within 60 s") from None
                time.sleep(0.3)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, dict(response.headers), response.read()


@dataclass
class Load:
    requests_per_second: float
    requests: int
    p50_ms: float
    p99_ms: float
    socket_errors: int
    non_2xx: int
    # CPU time of the server's processes per request, when measured (steadier than req/s on a busy machine).
    cpu_us_per_request: float | None = None

    @property
    def errors(self) -> int:
        return self.socket_errors + self.non_2xx


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(url: str, *, connections: int, seconds: int, threads: int = 2, script: Path | None = None) -> Load:
    """Load one URL (or a script's URLs) with wrk and return what it measured."""
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    return parse_wrk(output)


def server_cpu_seconds(server: Server) -> float:
    """Return the CPU time a gunicorn server has used: its master, its workers, and the workers it reaped."""
    tick = os.sysconf("SC_CLK_TCK")

    def times(pid: int) -> tuple[int, list[int]]:
        # /proc/<pid>/stat: the fields after the command's closing parenthesis; ppid is the 2nd,
        # utime, stime, cutime and cstime the 12th to 15th.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[1]), [int(value) for value in fields[11:15]]

    master = server.process.pid
    total = sum(times(master)[1])  # its own time and its reaped workers' (cutime, cstime)
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != master:
            with suppress(OSError):  # a process that ended meanwhile
                parent, (utime, stime, _, _) = times(int(entry))
                if parent == master:
                    total += utime + stime
    return total / tick


def measured_wrk(server: Server, url: str, *, connections: int, seconds: int) -> Load:
    """Load one URL of a server with wrk, and add the server's CPU time per request to what wrk measured."""
    before = server_cpu_seconds(server)
    load = wrk(url, connections=connections, seconds=seconds)
    load.cpu_us_per_request = (server_cpu_seconds(server) - before) / max(load.requests, 1) * 1e6
    return load


def rotating_script(paths: list[str], directory: Path) -> Path:
    """Write a wrk script that asks for each path in turn."""
    script = directory / "rotate.lua"
    listed = ", ".join(f'"{path}"' for path in paths)
    script.write_text(
        f"local paths = {{{listed}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
    )
    return script


def parse_wrk(output: str) -> Load:
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    if set(latency) != {"50", "99"}:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Load(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        requests=int(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
        p50_ms=_milliseconds(latency["50"]),
        p99_ms=_milliseconds(latency["99"]),
        socket_errors=sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )
