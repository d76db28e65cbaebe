"""The sandbox against the pure-Python reference: per-call phases and tenant-periods per second.

    python -m benchmarks.run [--seconds 1.5] [--rounds 3] [--workers N]

Prints a table and writes benchmarks/results.json. See benchmarks/README.md for what is measured.
"""

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import wasmtime

if __package__ in (None, ""):  # `python benchmarks/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import workload  # noqa: E402
from billing_dagster.domain.canonical import canonical_json  # noqa: E402
from billing_dagster.domain.reference.sdk import dump_output, parse_input, run_pricing  # noqa: E402
from billing_dagster.domain.reference import PRICE_FUNCTIONS  # noqa: E402
from billing_dagster.runtime import calls  # noqa: E402
from billing_dagster.runtime.cache import ArtifactCache  # noqa: E402
from billing_dagster.runtime.engine import engine_slot  # noqa: E402
from billing_dagster.runtime.host import Limits, WasmHost  # noqa: E402

RESULTS = Path(__file__).with_name("results.json")
MODES = ("wasm", "python-json", "python-dict", "orchestration-only")
_U64 = 0xFFFF_FFFF_FFFF_FFFF


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="length of one throughput phase")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per mode (median is kept)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for 'all cores'")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.time()

    with tempfile.TemporaryDirectory(prefix="bench-wasm-cache-") as cache_dir:
        cache = ArtifactCache(cache_dir, os.urandom(32))
        host = WasmHost(Limits(), cache=cache)
        hashes = _load_all(host)
        results = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "wasmtime": _version("wasmtime"), "load_average": os.getloadavg()},
            "limits": "system tier (Limits())",
            "compile": _compile_costs(host),
            "per_call": {size: _per_call(host, hashes, size) for size in workload.SIZES},
            "outputs_identical": _check_outputs(host, hashes),
        }
        results["throughput"] = _throughput(cache_dir, cache._key, args)
    results["ratios"] = _ratios(results["throughput"], args.workers)
    results["seconds_total"] = round(time.time() - started, 1)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    _print(results, args.workers)
    print(f"\nwrote {args.output} in {results['seconds_total']} s")
    return results


def _version(name: str) -> str:
    import importlib.metadata

    return importlib.metadata.version(name)


def _load_all(host: WasmHost) -> dict[str, str]:
    hashes = {}
    for module_id in workload.MODULE_IDS:
        sha, wasm = workload.module_bytes(module_id)
        host.load(sha, wasm)
        hashes[module_id] = sha
    return hashes


def _median_us(samples_ns: list[int]) -> float:
    return round(statistics.median(samples_ns) / 1000, 1)


def _compile_costs(host: WasmHost) -> dict:
    """Cold compile, size of our sealed artifact, and a warm load from the disk cache, per module."""
    engine = engine_slot(host.limits.max_stack_bytes).engine
    costs = {}
    for module_id in workload.MODULE_IDS:
        sha, wasm = workload.module_bytes(module_id)
        compile_ns, load_ns = [], []
        for _ in range(3):
            t = time.perf_counter_ns()
            module = wasmtime.Module(engine, wasm)
            compile_ns.append(time.perf_counter_ns() - t)
        fingerprint = engine_slot(host.limits.max_stack_bytes).fingerprint
        for _ in range(5):
            t = time.perf_counter_ns()
            wasmtime.Module.deserialize(engine, host.cache.get(sha, fingerprint))
            load_ns.append(time.perf_counter_ns() - t)
        costs[module_id] = {"wasm_kb": round(len(wasm) / 1024, 1),
                            "cwasm_kb": round(len(module.serialize()) / 1024, 1),
                            "compile_ms": round(statistics.median(compile_ns) / 1e6, 2),
                            "disk_cache_load_ms": round(statistics.median(load_ns) / 1e6, 3)}
    return costs


def _per_call(host: WasmHost, hashes: dict, size: str) -> dict:
    """One usage-tiers call on a `size` input, phase by phase, and the reference on the same bytes."""
    steps = workload.program()
    context, facts = workload.tenant_periods(size, 1)[0]
    data = canonical_json(workload.document(steps[1], context, facts, [])).encode()
    slot, limits = engine_slot(host.limits.max_stack_bytes), host.limits
    pre = slot.get(hashes["usage-tiers"])
    reps = 1500 if size == "1KB" else 60
    instantiate, call, close, parse, total, python, python_bytes, loads = [], [], [], [], [], [], [], []
    fuel = 0
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        store = wasmtime.Store(slot.engine)
        store.set_limits(memory_size=limits.memory_bytes, table_elements=limits.max_table_elements,
                         instances=1, tables=2, memories=1)
        store.set_fuel(limits.fuel)
        store.set_epoch_deadline(limits.epoch_ticks)
        memory, alloc, run = calls.abi_exports(store, pre.instantiate(store))
        t1 = time.perf_counter_ns()
        pointer = calls.call_i32(store, alloc, len(data))
        calls.write(store, memory, pointer, data)
        packed = calls.call_i64(store, run, pointer, len(data)) & _U64
        raw = calls.read(store, memory, packed >> 32, packed & 0xFFFF_FFFF)
        fuel = limits.fuel - store.get_fuel()
        t2 = time.perf_counter_ns()
        store.close()
        t3 = time.perf_counter_ns()
        json.loads(raw)
        t4 = time.perf_counter_ns()
        json.loads(data)
        t5 = time.perf_counter_ns()
        instantiate.append(t1 - t0)
        call.append(t2 - t1)
        close.append(t3 - t2)
        parse.append(t4 - t3)
        loads.append(t5 - t4)
    function = PRICE_FUNCTIONS["usage-tiers"]
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        host.call(hashes["usage-tiers"], data)
        t1 = time.perf_counter_ns()
        run_pricing(parse_input(data), function)
        t2 = time.perf_counter_ns()
        dump_output(run_pricing(parse_input(data), function))
        t3 = time.perf_counter_ns()
        total.append(t1 - t0)
        python.append(t2 - t1)
        python_bytes.append(t3 - t2)
    return {"input_bytes": len(data), "fuel": fuel, "fuel_per_input_byte": round(fuel / len(data), 1), "reps": reps,
            "instantiate_us": _median_us(instantiate), "call_us": _median_us(call), "close_us": _median_us(close),
            "parse_us": _median_us(parse), "host_call_us": _median_us(total),
            "cpython_json_loads_of_input_us": _median_us(loads),
            "python_reference_us": _median_us(python), "python_reference_with_dump_us": _median_us(python_bytes),
            "host_call_vs_python": round(statistics.median(total) / statistics.median(python), 2)}


def _check_outputs(host: WasmHost, hashes: dict) -> bool:
    """The sandbox and both reference modes give the same charges for every benchmark tenant-period."""
    steps = workload.program()
    wasm, python = workload.wasm_executor(host, hashes), workload.python_executor()
    for size in workload.SIZES:
        for context, facts in workload.tenant_periods(size)[:4]:
            lines = workload.rate(wasm, steps, context, facts)
            if lines != workload.rate(python, steps, context, facts):
                return False
            if lines != workload.rate_python_dicts(steps, context, facts):
                return False
    return True


# --- throughput: a pool of spawned workers, each with its own host, started together ------------------


def _worker(conn, cache_dir: str, key: bytes) -> None:
    host = WasmHost(Limits(), cache=ArtifactCache(cache_dir, key))
    hashes = _load_all(host)
    steps = workload.program()
    wasm, python = workload.wasm_executor(host, hashes), workload.python_executor()
    runners = {"wasm": lambda c, f: workload.rate(wasm, steps, c, f),
               "python-json": lambda c, f: workload.rate(python, steps, c, f),
               "python-dict": lambda c, f: workload.rate_python_dicts(steps, c, f),
               "orchestration-only": lambda c, f: workload.rate(workload.no_executor, steps, c, f)}
    periods = {size: workload.tenant_periods(size) for size in workload.SIZES}
    for size in periods:  # warm up every path once
        for runner in runners.values():
            runner(*periods[size][0])
    conn.send(("ready", host.compiled))
    while (message := conn.recv()) is not None:
        mode, size, start_at, seconds = message
        runner, batch = runners[mode], periods[size]
        while time.time() < start_at:
            time.sleep(0.0005)
        count, cpu = 0, time.process_time()
        while time.time() < start_at + seconds:
            runner(*batch[count % len(batch)])
            count += 1
        conn.send((count, time.time() - start_at, time.process_time() - cpu))


def _throughput(cache_dir: str, key: bytes, args) -> dict:
    context = multiprocessing.get_context("spawn")  # no fork: wasmtime engines and threads do not fork well
    pipes, processes = [], []
    for _ in range(args.workers):
        parent, child = context.Pipe()
        process = context.Process(target=_worker, args=(child, cache_dir, key), daemon=True)
        process.start()
        pipes.append(parent)
        processes.append(process)
    compiled = [pipe.recv()[1] for pipe in pipes]
    samples: dict[str, list[float]] = {}
    try:
        for size in workload.SIZES:
            for _ in range(args.rounds):
                for mode in MODES:
                    for workers in sorted({1, args.workers}):
                        start_at = time.time() + 0.1
                        for pipe in pipes[:workers]:
                            pipe.send((mode, size, start_at, args.seconds))
                        answers = [pipe.recv() for pipe in pipes[:workers]]
                        rate = sum(count / elapsed for count, elapsed, _ in answers)
                        per_cpu = sum(count for count, _, _ in answers) / sum(cpu for _, _, cpu in answers)
                        samples.setdefault(f"{mode}|{size}|{workers}", []).append((rate, per_cpu))
    finally:
        for pipe in pipes:
            pipe.send(None)
        for process in processes:
            process.join(timeout=10)
    table = {}
    for key_, pairs in samples.items():
        mode, size, workers = key_.split("|")
        table.setdefault(size, {}).setdefault(mode, {})[f"{workers}_proc"] = {
            "tenant_periods_per_s": round(statistics.median(p[0] for p in pairs), 1),
            "tenant_periods_per_cpu_s": round(statistics.median(p[1] for p in pairs), 1),
            "samples_per_s": [round(p[0], 1) for p in pairs]}
    table["workers_compiled_modules"] = compiled  # 0 each: every worker loaded our sealed artifacts
    return table


def _ratios(throughput: dict, workers: int) -> dict:
    """How many times longer the sandbox takes per tenant-period than the reference (1.0 = same speed).

    same_processes: both on `workers` processes (wall clock). one_process_each: both on one process.
    wasm_all_cores_vs_python_one_process: the sandbox on every core against a single Python process.
    per_cpu_second: CPU time per tenant-period, the figure least disturbed by other load on the machine.
    """
    ratios = {}
    for size in workload.SIZES:
        row = throughput[size]

        def rate(mode: str, procs: int, unit: str = "tenant_periods_per_s") -> float:
            return row[mode][f"{procs}_proc"][unit]

        entry = {}
        for mode in ("python-json", "python-dict"):
            entry[mode] = {
                "same_processes": round(rate(mode, workers) / rate("wasm", workers), 2),
                "one_process_each": round(rate(mode, 1) / rate("wasm", 1), 2),
                "wasm_all_cores_vs_python_one_process": round(rate(mode, 1) / rate("wasm", workers), 2),
                "per_cpu_second": round(rate(mode, 1, "tenant_periods_per_cpu_s")
                                        / rate("wasm", 1, "tenant_periods_per_cpu_s"), 2)}
        orchestration = 1 / rate("orchestration-only", 1, "tenant_periods_per_cpu_s")
        entry["cpu_ms_per_tenant_period"] = {
            mode: round(1000 / rate(mode, 1, "tenant_periods_per_cpu_s"), 3) for mode in MODES}
        entry["orchestration_share_of_wasm"] = round(
            orchestration * rate("wasm", 1, "tenant_periods_per_cpu_s"), 3)
        target = 3.0 if size == "1KB" else 1.0
        entry["target"] = target
        entry["met"] = {view: entry["python-json"][view] <= target for view in entry["python-json"]}
        ratios[size] = entry
    return ratios


def _print(results: dict, workers: int) -> None:
    print(f"machine: {results['machine']}")
    print("\ncompile (per module)        wasm KB  cwasm KB  compile ms  disk-cache load ms")
    for module_id, c in results["compile"].items():
        print(f"  {module_id:24s} {c['wasm_kb']:8} {c['cwasm_kb']:9} {c['compile_ms']:11} {c['disk_cache_load_ms']:19}")
    print("\nper call, usage-tiers (median us)")
    print(f"  {'':6s} {'input B':>8s} {'fuel':>9s} {'instantiate':>11s} {'alloc+run':>10s} {'close':>6s} "
          f"{'parse out':>9s} {'host.call':>10s} {'py ref':>8s} {'py+dump':>8s} {'host/py':>8s} "
          f"{'json.loads(input)':>17s}")
    for size, p in results["per_call"].items():
        print(f"  {size:6s} {p['input_bytes']:8} {p['fuel']:9} {p['instantiate_us']:11} {p['call_us']:10} "
              f"{p['close_us']:6} {p['parse_us']:9} {p['host_call_us']:10} {p['python_reference_us']:8} "
              f"{p['python_reference_with_dump_us']:8} {p['host_call_vs_python']:8} "
              f"{p['cpython_json_loads_of_input_us']:17}")
    print(f"\noutputs identical (wasm vs both references): {results['outputs_identical']}")
    print(f"\ntenant-periods/s (6 modules; median of rounds)    1 process  {workers} processes  per CPU-second")
    for size in workload.SIZES:
        for mode in MODES:
            row = results["throughput"][size][mode]
            print(f"  {size:6s} {mode:38s} {row['1_proc']['tenant_periods_per_s']:9} "
                  f"{row[f'{workers}_proc']['tenant_periods_per_s']:12} {row['1_proc']['tenant_periods_per_cpu_s']:15}")
    print("\nratio = sandbox time per tenant-period / reference time (target: <= 3 at 1KB, <= 1 at 100KB)")
    print(f"  {'':24s} {'same procs':>11s} {'1 proc each':>12s} {'wasm x' + str(workers) + ' vs py x1':>16s} "
          f"{'per CPU-s':>10s}")
    for size, r in results["ratios"].items():
        for mode in ("python-json", "python-dict"):
            x = r[mode]
            print(f"  {size:6s} vs {mode:14s} {x['same_processes']:11} {x['one_process_each']:12} "
                  f"{x['wasm_all_cores_vs_python_one_process']:16} {x['per_cpu_second']:10}")
        print(f"  {size:6s} orchestration (documents, canonical JSON) is {r['orchestration_share_of_wasm']:.0%} "
              f"of the sandbox's CPU time per tenant-period")


if __name__ == "__main__":
    main()
