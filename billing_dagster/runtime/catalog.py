"""The system module catalog: built `.wasm` files and manifests under wasm/dist, pinned by sha256."""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from billing_dagster.domain.canonical import sha256_hex


@dataclass(frozen=True, slots=True)
class ModuleRef:
    id: str
    version: str
    kind: str
    sha256: str
    reads: dict
    wasm: bytes


class UnknownModule(LookupError):
    pass


def default_modules_dir() -> Path:
    """wasm/dist of this checkout, unless BILLING_MODULES_DIR names another folder."""
    override = os.environ.get("BILLING_MODULES_DIR")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "wasm" / "dist"


class ModuleCatalog:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._refs: dict[str, ModuleRef] = {}

    def get(self, module_id: str) -> ModuleRef:
        if module_id not in self._refs:
            self._refs[module_id] = self._read(module_id)
        return self._refs[module_id]

    def _read(self, module_id: str) -> ModuleRef:
        wasm_path = self.directory / f"{module_id}.wasm"
        manifest_path = self.directory / f"{module_id}.manifest.json"
        if not wasm_path.is_file() or not manifest_path.is_file():
            raise UnknownModule(f"module {module_id!r}: no {wasm_path.name} and manifest in {self.directory}")
        wasm = wasm_path.read_bytes()
        manifest = json.loads(manifest_path.read_text())
        return ModuleRef(id=manifest["id"], version=manifest["version"], kind=manifest["kind"],
                         sha256=sha256_hex(wasm), reads=manifest.get("reads", {}), wasm=wasm)
