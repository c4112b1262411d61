"""The stores a benchmark runs on, each started fresh in a folder of its own.

* ``falkordb``: the embedded FalkorDB (redis-server with the FalkorDB module),
  started by ``open_store`` as the app does on a laptop;
* ``neo4j``: a local Neo4j 5.26 Community server of ``neo4j/run`` (in-process
  from Maven artifacts, heap at most 1 GiB, page cache 256 MiB; see
  ``neo4j/run``), its schema set up as ``graphcrm init`` does.

Both give the same things: ``open()`` (start if needed, return a store),
``stop()``, ``pid()`` (the database process, for its CPU time
and memory) and ``env()`` (what ``graphcrm serve`` needs to reach it).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from graphcrm.config import Settings
from graphcrm.graph import embedded_server, open_store
from graphcrm.graph.store import GraphStore

NEO4J_RUN = Path(__file__).resolve().parent.parent / "neo4j" / "run"


class EmbeddedFalkorDB:
    """A fresh embedded FalkorDB in ``folder``."""

    name = "falkordb"

    def __init__(self, folder: Path):
        self.folder = folder
        self.settings = Settings(data_dir=folder, graph_name="graphcrm")

    def open(self) -> GraphStore:
        """Start the server if needed and open the store (its schema set up)."""
        return open_store(self.settings)

    def stop(self) -> None:
        embedded_server(self.settings).stop()

    def pid(self) -> int:
        return embedded_server(self.settings).pid()

    def env(self) -> dict[str, str]:
        return {"GRAPHCRM_DATA_DIR": str(self.folder)}


class LocalNeo4j:
    """A fresh local Neo4j server (``neo4j/run``) with its home in ``folder``;
    the app's own files (uploads, rates) in ``folder/app``."""

    name = "neo4j"

    def __init__(self, folder: Path):
        self.folder = folder
        self.url: str | None = None

    @property
    def settings(self) -> Settings:
        return Settings(data_dir=self.folder / "app", database_url=self.url)

    def open(self) -> GraphStore:
        """Start the server if needed and open the store; set the schema up the
        first time (``graphcrm init``: the app only checks it)."""
        first = self.url is None
        if first or self._run("url", check=False).returncode != 0:
            self.url = self._run("start").stdout.strip().splitlines()[-1]
        store = open_store(self.settings, setup_schema=False)
        if first:
            store.setup_schema()
        return store

    def stop(self) -> None:
        if self.folder.exists():
            self._run("stop", check=False)

    def pid(self) -> int:
        return int((self.folder / "neo4j.pid").read_text())

    def env(self) -> dict[str, str]:
        return {"GRAPHCRM_DATA_DIR": str(self.folder / "app"), "GRAPHCRM_DATABASE_URL": str(self.url)}

    def _run(self, command: str, *, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([str(NEO4J_RUN), command, str(self.folder)], capture_output=True, text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"neo4j/run {command} failed: {done.stderr.strip()[-2000:]}")
        return done


#: the stores by name (``bench/run --stores``)
DATABASES = {kind.name: kind for kind in (EmbeddedFalkorDB, LocalNeo4j)}
