"""Assembles a hand-written WAT module: python wat2wasm.py IN.wat OUT.wasm (wasmtime's assembler)."""

import sys
from pathlib import Path

import wasmtime


def main(source: str, target: str) -> None:
    Path(target).write_bytes(bytes(wasmtime.wat2wasm(Path(source).read_text())))


if __name__ == "__main__":
    main(*sys.argv[1:])
