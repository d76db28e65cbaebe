"""Canonical JSON and content hashes: the bytes every audit hash is taken over."""

import hashlib
import json


def canonical_json(document: object) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_hex(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def document_hash(document: object) -> str:
    return sha256_hex(canonical_json(document))
