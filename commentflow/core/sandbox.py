"""Running an outside program (LibreOffice, poppler, Tesseract) on an untrusted file, bounded.

Each run gets its own process group (killed whole on timeout, so no stray child survives),
limits on CPU time, address space and file size, no network where the system lets us
(`unshare -rn`: a network namespace with nothing in it), and a minimal environment.
"""
from __future__ import annotations

import functools
import os
import resource
import shutil
import signal
import subprocess
from dataclasses import dataclass


class ProgramMissing(RuntimeError):
    """The program is not installed on this server."""


class ProgramFailed(RuntimeError):
    """The program ended with an error, or was killed at its limit."""

    def __init__(self, message: str, *, timed_out: bool = False):
        super().__init__(message)
        self.timed_out = timed_out


@dataclass
class Limits:
    seconds: float = 60
    memory_mb: int = 2048  #: address space; LibreOffice maps much more than it uses
    output_mb: int = 512  #: the largest file the program may write


@functools.cache
def _can_unshare() -> bool:
    unshare = shutil.which("unshare")
    if not unshare:
        return False
    try:
        return subprocess.run([unshare, "-rn", "true"], capture_output=True,
                              timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _limit(limits: Limits):
    def apply() -> None:
        cpu = int(limits.seconds) + 5
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        memory = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        size = limits.output_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def run(args: list[str], *, limits: Limits, cwd: str | None = None,
        env: dict | None = None, stdin: bytes | None = None) -> bytes:
    """Run the program and return what it printed; raises ProgramMissing or ProgramFailed."""
    program = shutil.which(args[0])
    if program is None:
        raise ProgramMissing(args[0])
    command = [program, *args[1:]]
    if _can_unshare():
        command = [shutil.which("unshare"), "-rn", *command]
    environment = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": cwd or "/tmp",
                   "OMP_THREAD_LIMIT": "1", **(env or {})}
    process = subprocess.Popen(command, cwd=cwd, env=environment, start_new_session=True,
                               stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=_limit(limits))
    try:
        out, err = process.communicate(stdin, timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise ProgramFailed(f"{args[0]}: over {limits.seconds} s", timed_out=True) from None
    finally:
        _kill_group(process)  # helpers it forked (LibreOffice's oosplash → soffice.bin)
    if process.returncode != 0:
        raise ProgramFailed(f"{args[0]}: exit {process.returncode}: "
                            f"{err.decode('utf-8', 'replace')[-500:]}")
    return out


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    for stream in (process.stdout, process.stderr):
        if stream is not None and not stream.closed:
            stream.close()
