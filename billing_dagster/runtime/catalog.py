"""The module catalog: built `.wasm` files and their manifests (wasm/dist by default), pinned by sha256."""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from billing_dagster.domain.canonical import sha256_hex

ABI_VERSIONS = frozenset({1})
KINDS = frozenset({"producer", "transformer"})
SCOPES = frozenset({"tenant", "subscription", "contract_line"})


@dataclass(frozen=True, slots=True)
class ModuleRef:
    id: str
    version: str
    kind: str
    sha256: str
    reads: dict
    wasm: bytes
    scope: str = "tenant"
    manifest: dict = field(default_factory=dict, compare=False, repr=False)


class UnknownModule(LookupError):
    """No built module with that id in the catalog folder."""


class InvalidManifest(ValueError):
    """A module manifest is missing a field or declares something the host cannot honour."""


class VersionMismatch(LookupError):
    """A program pins a module version the catalog does not hold."""


def default_modules_dir() -> Path:
    """wasm/dist of this checkout, unless BILLING_MODULES_DIR names another folder."""
    override = os.environ.get("BILLING_MODULES_DIR")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "wasm" / "dist"


class ModuleCatalog:
    """Modules by id from `directory` (<id>.wasm + <id>.manifest.json), plus any registered from files."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._refs: dict[str, ModuleRef] = {}

    def get(self, module_id: str, version: str | None = None) -> ModuleRef:
        if module_id not in self._refs:
            self._refs[module_id] = self._read(module_id)
        ref = self._refs[module_id]
        if version is not None and ref.version != version:
            raise VersionMismatch(f"module {module_id!r}: version {version} required, the catalog has {ref.version}")
        return ref

    def ids(self) -> list[str]:
        on_disk = {p.name.removesuffix(".manifest.json") for p in self.directory.glob("*.manifest.json")}
        return sorted(on_disk | set(self._refs))

    def register_file(self, wasm_path: Path, manifest_path: Path | None = None) -> ModuleRef:
        """Adds a module built outside the catalog folder (an author's module); it shadows a same-id one."""
        wasm_path = Path(wasm_path)
        manifest_path = Path(manifest_path) if manifest_path else manifest_beside(wasm_path)
        if not wasm_path.is_file():
            raise UnknownModule(f"no module file {wasm_path}")
        if manifest_path is None or not manifest_path.is_file():
            raise UnknownModule(f"no manifest for {wasm_path} (looked for {wasm_path.stem}.manifest.json "
                                "and manifest.json beside it)")
        ref = module_ref(wasm_path.read_bytes(), _load_json(manifest_path), str(manifest_path))
        self._refs[ref.id] = ref
        return ref

    def _read(self, module_id: str) -> ModuleRef:
        wasm_path = self.directory / f"{module_id}.wasm"
        manifest_path = self.directory / f"{module_id}.manifest.json"
        if not wasm_path.is_file() or not manifest_path.is_file():
            raise UnknownModule(f"module {module_id!r}: no {wasm_path.name} and manifest in {self.directory}")
        ref = module_ref(wasm_path.read_bytes(), _load_json(manifest_path), str(manifest_path))
        if ref.id != module_id:
            raise InvalidManifest(f"{manifest_path}: id {ref.id!r} does not match the file name")
        return ref


def manifest_beside(wasm_path: Path) -> Path | None:
    """<stem>.manifest.json next to the module, else manifest.json in its folder."""
    for candidate in (wasm_path.with_name(f"{wasm_path.stem}.manifest.json"), wasm_path.with_name("manifest.json")):
        if candidate.is_file():
            return candidate
    return None


def module_ref(wasm: bytes, manifest: dict, where: str = "manifest") -> ModuleRef:
    """A checked ModuleRef: the manifest's id, version, kind, ABI, scope and reads must be well formed."""
    problems = []
    for key in ("id", "version"):
        if not isinstance(manifest.get(key), str) or not manifest.get(key):
            problems.append(f"{key} must be a non-empty string")
    if manifest.get("kind") not in KINDS:
        problems.append(f"kind must be one of {', '.join(sorted(KINDS))}")
    if manifest.get("abi") not in ABI_VERSIONS:
        problems.append(f"abi must be one of {sorted(ABI_VERSIONS)}")
    scope = manifest.get("scope", "tenant")
    if scope not in SCOPES:
        problems.append(f"scope must be one of {', '.join(sorted(SCOPES))}")
    reads = manifest.get("reads", {})
    if not isinstance(reads, dict) or not all(
            isinstance(fields, list) and all(isinstance(f, str) for f in fields) for fields in reads.values()):
        problems.append("reads must map pack names to lists of field names")
    if problems:
        raise InvalidManifest(f"{where}: " + "; ".join(problems))
    return ModuleRef(id=manifest["id"], version=manifest["version"], kind=manifest["kind"], sha256=sha256_hex(wasm),
                     reads=reads, wasm=wasm, scope=scope, manifest=manifest)


def _load_json(path: Path) -> dict:
    try:
        document = json.loads(path.read_text())
    except ValueError as error:
        raise InvalidManifest(f"{path}: not JSON ({error})") from None
    if not isinstance(document, dict):
        raise InvalidManifest(f"{path}: must be a JSON object")
    return document
