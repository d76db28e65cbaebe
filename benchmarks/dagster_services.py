"""Dagster's webserver and daemon on a benchmark's instance, and the GraphQL calls the UI makes to launch and
watch a backfill. Runs are then created by the BackfillDaemon (following the assets' BackfillPolicy), queued by
the QueuedRunCoordinator (max_concurrent_runs) and started by the DefaultRunLauncher, one process each."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LAUNCH = """mutation($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message stack }
  ... on InvalidSubsetError { message } ... on UnauthorizedError { message } } }"""
STATUS = """query($id: String!) { partitionBackfillOrError(backfillId: $id) { __typename
  ... on PartitionBackfill { status numCancelable endTimestamp runs(limit: 1000) { runId status } }
  ... on PythonError { message } } }"""
LOCATION = """{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus
  locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


class DagsterServices:
    """`with DagsterServices(env) as dagster:` starts dagster-webserver and dagster-daemon on workspace.yaml."""

    def __init__(self, env: dict, log_dir: Path):
        self.env, self.log_dir = env, log_dir
        self.port = _free_port()
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> "DagsterServices":
        bin_dir = Path(os.sys.executable).parent
        for name, command in (
                ("webserver", [str(bin_dir / "dagster-webserver"), "-w", "workspace.yaml", "-h", "127.0.0.1",
                               "-p", str(self.port)]),
                ("daemon", [str(bin_dir / "dagster-daemon"), "run", "-w", "workspace.yaml"])):
            log = open(self.log_dir / f"{name}.log", "w")
            self.processes.append(subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                                   start_new_session=True, preexec_fn=_default_signals))
        self._wait_until_loaded()
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            _stop(process)

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/graphql", method="POST",
                                         data=json.dumps({"query": query, "variables": variables or {}}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            body = json.loads(response.read())
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def launch_backfill(self, partitions_by_asset: dict[str, tuple[str, str]], title: str) -> str:
        """One backfill over the given assets, each with a (first, last) partition key range."""
        params = {"partitionsByAssets": [{"assetKey": {"path": [asset]},
                                          "partitions": {"ranges": [{"start": first, "end": last}]}}
                                         for asset, (first, last) in partitions_by_asset.items()],
                  "title": title}
        result = self.graphql(LAUNCH, {"params": params})["launchPartitionBackfill"]
        if result["__typename"] != "LaunchBackfillSuccess":
            raise RuntimeError(f"backfill not launched: {result}")
        return result["backfillId"]

    def wait_for_backfill(self, backfill_id: str, timeout: float = 7200) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            backfill = self.graphql(STATUS, {"id": backfill_id})["partitionBackfillOrError"]
            if backfill["status"] not in ("REQUESTED", "CANCELING") and not backfill["numCancelable"]:
                return backfill
            time.sleep(1)
        raise TimeoutError(f"backfill {backfill_id} still running after {timeout} s")

    def _wait_until_loaded(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{process.args[0]} exited; see {self.log_dir}")
            try:
                entries = self.graphql(LOCATION)["workspaceOrError"]["locationEntries"]
                if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                    errors = [e for e in entries if e["locationOrLoadError"]["__typename"] == "PythonError"]
                    if errors:
                        raise RuntimeError(f"code location failed to load: {errors}")
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise TimeoutError("Dagster webserver did not load the workspace")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _default_signals() -> None:
    """Some sandboxes start processes with SIGTERM/SIGINT ignored; Dagster's processes must be stoppable."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
