"""Dagster's webserver and daemon on a benchmark's instance, and the GraphQL calls the UI makes to launch runs
and watch them. Runs are queued by the QueuedRunCoordinator (max_concurrent_runs) and started
by the DefaultRunLauncher, one process each."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LOCATION = """{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus
  locationOrLoadError { __typename ... on PythonError { message } } } } } }"""
LAUNCH_RUN = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) { __typename
  ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } ... on InvalidSubsetError { message }
  ... on RunConfigValidationInvalid { errors { message } } } }"""
RUNS = """query($ids: [String!]) { runsOrError(filter: {runIds: $ids}) { ... on Runs { results {
  runId status startTime endTime } } } }"""
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


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

    def launch_run(self, job: str, tags: dict[str, str]) -> str:
        """Submit a run as a schedule's RunRequest would: queued, then started by the daemon."""
        params = {"selector": {"repositoryLocationName": self.location, "repositoryName": "__repository__",
                               "jobName": job},
                  "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in tags.items()]}}
        result = self.graphql(LAUNCH_RUN, {"params": params})["launchRun"]
        if result["__typename"] != "LaunchRunSuccess":
            raise RuntimeError(f"run not launched: {result}")
        return result["run"]["runId"]

    def wait_for_runs(self, run_ids: list[str], timeout: float = 7200) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = self.graphql(RUNS, {"ids": run_ids})["runsOrError"]["results"]
            if len(runs) == len(run_ids) and all(run["status"] in FINISHED for run in runs):
                return runs
            time.sleep(0.5)
        raise TimeoutError(f"runs still going after {timeout} s")

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
                    self.location = entries[0]["name"]
                    return
            except OSError:
                pass  # the webserver is not listening yet: poll again until the deadline
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


class TreeMemory:
    """Samples the resident memory of this process and all its descendants (webserver, daemon, the run
    processes the daemon starts): the peak of the sum, and the peak of the largest single process."""

    def __init__(self, interval: float = 0.5):
        import threading
        self.interval, self.peak_total_kib, self.peak_process_kib = interval, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        root = os.getpid()
        while not self._stop.wait(self.interval):
            sizes = _tree_rss_kib(root)
            self.peak_total_kib = max(self.peak_total_kib, sum(sizes))
            self.peak_process_kib = max([self.peak_process_kib, *sizes])


def _tree_rss_kib(root: int) -> list[int]:
    parents, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        parents[int(entry)] = int(fields["PPid"])
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0])
    tree, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier and pid not in tree]
        tree.update(children)
        frontier = children
    return [rss[pid] for pid in tree if pid in rss]
