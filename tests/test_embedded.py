"""The embedded FalkorDB server: persistence across restarts, crash recovery, reuse."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from graphcrm.config import Settings
from graphcrm.errors import ConfigError
from graphcrm.graph import embedded_server, open_store


@pytest.fixture
def own_settings(tmp_path):
    """A data folder and server of this test's own (not the session's)."""
    settings = Settings(data_dir=tmp_path / "data")
    yield settings
    embedded_server(settings).stop()


def test_data_survives_a_clean_restart(own_settings):
    with open_store(own_settings) as store:
        store.create("Account", {"name": "江州市住建局"}, id="acc-1")
        store.create("Person", {"name": "Emily Chen"}, id="p-1")
    server = embedded_server(own_settings)
    assert not server.is_running(), "the store that started the server stops it on close"
    with open_store(own_settings) as store:
        assert store.get("Account", "acc-1")["name"] == "江州市住建局"
        assert store.count("Person") == 1


def test_acknowledged_writes_survive_sigkill(own_settings):
    server = embedded_server(own_settings)
    server.start()
    with open_store(own_settings) as store:
        for i in range(200):
            store.create("Competitor", {"name": f"Rival {i}"}, id=f"comp-{i}")
        server.kill()
    assert not server.is_running()
    with open_store(own_settings) as store:  # restarts it, replaying the append-only file
        assert store.count("Competitor") == 200
    server.stop()


def test_a_server_that_no_longer_answers_is_terminated_on_stop(own_settings, caplog):
    server = embedded_server(own_settings)
    server.start()
    pid = server.pid()
    os.kill(pid, signal.SIGSTOP)  # hung: alive, but answers nothing
    assert not server.is_running()
    assert server.stop() is True
    assert "does not shut down" in caplog.text
    try:  # gone: a zombie until its parent (this process) reaps it, or no process at all
        with open(f"/proc/{pid}/stat") as handle:
            assert handle.read().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        pass


def test_a_stale_pid_file_from_a_crash_is_recovered(own_settings, caplog):
    server = embedded_server(own_settings)
    server.start()
    server.kill()
    assert server.pid_path.exists()  # left behind by the "crash"
    with caplog.at_level("WARNING"):
        assert server.start()
    assert "stale pid file" in caplog.text
    assert server.is_running()


def test_a_second_process_reuses_the_running_server(own_settings):
    server = embedded_server(own_settings)
    server.start()
    pid = server.pid()
    env = {**os.environ, "GRAPHCRM_DATA_DIR": str(own_settings.data_dir)}
    out = subprocess.run(
        [sys.executable, "-m", "graphcrm.cli", "db", "status", "--json"],
        env=env, capture_output=True, text=True, check=True,
    )
    assert '"backend": "falkordb"' in out.stdout
    assert server.pid() == pid and server.is_running(), "the CLI must not stop a server it did not start"


def test_unwritable_data_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    settings = Settings(data_dir=folder / "data")
    if os.geteuid() == 0:
        settings = Settings(data_dir=__import__("pathlib").Path("/proc/graphcrm-data"))
    with pytest.raises(ConfigError, match="not writable"):
        open_store(settings)


def test_bad_fsync_setting_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="GRAPHCRM_FSYNC"):
        open_store(Settings(data_dir=tmp_path, fsync="never"))


def test_bad_database_url_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="not a Neo4j URL"):
        open_store(Settings(data_dir=tmp_path, database_url="postgres://localhost/x"))
