#!/usr/bin/env python3
"""Checks muc_component.py against Debian's Prosody over loopback.

For each scansion script: a fresh Prosody (prosody.cfg.lua here, on free
ports, state in a temporary directory) with conference.localhost as an
external component, a fresh muc_component.py connected to it, then the
script run over c2s with ../shared/tools/scansion_net.py. Both processes are
stopped after each script, whatever happens (also on Ctrl-C).

    check_prosody.py [--net scansion_net.py] [--runner muc-scansion]
                     [--keep] [-v] SCRIPT.scs|DIR...

With --runner, each script is also run in-process first: a script that
passes there must pass here (a difference is a bug in the host), and one that
fails there is reported without failing the check. Exit status 0 when every
script that must pass does.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

HERE = Path(__file__).resolve().parent
SECRET = "check-s3cr3t"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(what: str, ready: Callable[[], bool],
             proc: "subprocess.Popen[bytes]", log: Path,
             seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise RuntimeError(f"{what} did not start (exit {proc.poll()}):\n{tail}")


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        return True
    except OSError:
        return False


def stop(proc: "Optional[subprocess.Popen[bytes]]") -> Optional[int]:
    """SIGTERM, then SIGKILL after 10 s: the exit status, None if killed."""
    if proc is None:
        return None
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return None
    return proc.returncode


def run_one(script: Path, work: Path, net: Path, verbose: bool) -> str:
    """Runs one script against a fresh Prosody + component: its result
    line ("PASS name" / "FAIL name: ...")."""
    work.mkdir(parents=True)
    (work / "data").mkdir()
    (work / "certs").mkdir()
    c2s, comp = free_port(), free_port()
    env = dict(os.environ, PROSODY_TEST_BASE=str(work),
               PROSODY_C2S_PORT=str(c2s), PROSODY_COMPONENT_PORT=str(comp),
               LIBMUC_COMPONENT_SECRET=SECRET)
    prosody = component = None
    try:
        with open(work / "prosody.out", "wb") as out:
            prosody = subprocess.Popen(
                ["prosody", "-F", "--config", str(HERE / "prosody.cfg.lua")],
                env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL)
        wait_for("Prosody", lambda: listening(c2s) and listening(comp),
                 prosody, work / "prosody.log")
        comp_log = work / "component.log"
        with open(comp_log, "wb") as out:
            component = subprocess.Popen(
                [sys.executable, str(HERE / "muc_component.py"),
                 "--jid", "conference.localhost", "--secret", SECRET,
                 "--port", str(comp), "--admin", "admin@localhost"]
                + (["-v"] if verbose else []),
                env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL)
        wait_for("muc_component.py",
                 lambda: b"serving conference.localhost" in
                 comp_log.read_bytes(), component, comp_log)
        res = subprocess.run(
            [sys.executable, str(net), "--port", str(c2s), str(script)]
            + (["-v"] if verbose else []),
            capture_output=True, text=True, timeout=300)
        (work / "net.trace").write_text(res.stderr)
        lines = [ln for ln in res.stdout.splitlines()
                 if ln.startswith(("PASS ", "FAIL "))]
        if component.poll() is not None:
            return f"FAIL {script.name}: the component exited during the run"
        status = stop(component)
        if status != 0:
            return (f"FAIL {script.name}: the component did not stop cleanly "
                    f"on SIGTERM (status {status})")
        return lines[0] if lines else (
            f"FAIL {script.name}: {res.stdout.strip()} {res.stderr[-500:]}")
    finally:
        stop(component)
        stop(prosody)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scripts", nargs="+", type=Path)
    ap.add_argument("--net", type=Path, default=HERE.parents[1] / ".." /
                    "shared" / "tools" / "scansion_net.py")
    ap.add_argument("--runner", type=Path,
                    help="muc-scansion, to tell which scripts must pass")
    ap.add_argument("--keep", action="store_true",
                    help="keep logs and traces (printed at the end)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    if shutil.which("prosody") is None:
        print("check_prosody: prosody not found (apt-get install prosody)")
        return 1
    if not args.net.exists():
        print(f"check_prosody: {args.net} not found")
        return 1
    scripts: list[Path] = []
    for p in args.scripts:
        scripts += sorted(p.glob("*.scs")) if p.is_dir() else [p]

    top = Path(tempfile.mkdtemp(prefix="libmuc-pycomponent."))
    must_fail = passed = 0
    try:
        for n, script in enumerate(scripts, 1):
            inproc = True
            if args.runner:
                inproc = subprocess.run(
                    [str(args.runner), str(script)],
                    capture_output=True).returncode == 0
            work = top / f"{n}-{script.stem}"
            result = run_one(script, work, args.net, args.verbose)
            if result.startswith("PASS"):
                passed += 1
                print(result)
            elif inproc:
                must_fail += 1
                print(f"{result} (passes in-process)" if args.runner
                      else result)
                if args.verbose:
                    print((work / "net.trace").read_text()[-4000:])
            else:
                print(f"{result} (fails in-process too)")
    finally:
        if args.keep:
            print(f"check_prosody: logs under {top}")
        else:
            shutil.rmtree(top, ignore_errors=True)
    print(f"check_prosody: {passed} passed, {len(scripts) - passed} failed"
          + (f" ({must_fail} of the failures pass in-process)"
             if args.runner else ""))
    return 1 if must_fail else 0


if __name__ == "__main__":
    sys.exit(main())
