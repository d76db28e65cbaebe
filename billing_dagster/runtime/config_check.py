"""Step configs checked against their module manifest's `config_schema` (JSON Schema Draft 2020-12).

A typo in a config key must never change money silently, so every problem is reported with where it is:
`plan "pro", step 2 (usage-tiers): config.tiers[1]: unknown key "flat" (did you mean "flat_fee"?)`.
"""

import json
import re
from collections.abc import Sequence
from difflib import get_close_matches

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

from billing_dagster.domain.programs import ProgramStep
from billing_dagster.runtime.catalog import InvalidManifest, ModuleCatalog, ModuleRef

# (module id, sha256) -> (the manifest the validator was compiled from, the validator)
_VALIDATORS: dict[tuple[str, str], tuple[dict, Draft202012Validator | None]] = {}


def config_validator(module: ModuleRef) -> Draft202012Validator | None:
    """The module's compiled config validator (None when its manifest has no config_schema), compiled once."""
    cached = _VALIDATORS.get((module.id, module.sha256))
    if cached is not None and cached[0] is module.manifest:
        return cached[1]
    schema = module.manifest.get("config_schema")
    validator = None
    if schema is not None:
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as error:
            raise InvalidManifest(f"module {module.id!r}: config_schema is not a valid Draft 2020-12 schema "
                                  f"({error.message})") from None
        validator = Draft202012Validator(schema)
    _VALIDATORS[(module.id, module.sha256)] = (module.manifest, validator)
    return validator


def step_label(index: int, module: str, plan_id: str | None = None) -> str:
    step = f"step {index} ({module})"
    return step if plan_id is None else f'plan "{plan_id}", {step}'


def config_errors(module: ModuleRef, config: object) -> list[str]:
    """Every way `config` breaks the module's config_schema, as `config<path>: <what>`; [] when it conforms."""
    validator = config_validator(module)
    if validator is None:
        return []
    errors = list(validator.iter_errors(config))
    # An if/then keyed on an absent property applies vacuously; when the object already lacks a required key,
    # the then-branch's demands on it are noise ("mode" missing would also ask for tiers, rate, unit_price...).
    lacking = {tuple(e.absolute_path) for e in errors if e.validator == "required" and "then" not in e.schema_path}
    messages: list[str] = []
    for error in errors:
        if "then" in error.schema_path and tuple(error.absolute_path) in lacking:
            continue
        messages += [m for m in _describe(error) if m not in messages]
    return messages


def step_config_errors(catalog: ModuleCatalog, steps: Sequence[ProgramStep],
                       plan_id: str | None = None) -> list[str]:
    """config_errors of every step, each prefixed with the plan (when given) and the step's index and module."""
    found = []
    for index, step in enumerate(steps):
        label = step_label(index, step.module, plan_id)
        found += [f"{label}: {message}" for message in config_errors(catalog.get(step.module), step.config)]
    return found


def _describe(error: ValidationError) -> list[str]:
    where = _path(error.absolute_path)
    schema, instance, value = error.schema, error.instance, error.validator_value
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = list(schema.get("properties", {}))
        return [f"{where}: unknown key {quoted(key)}{did_you_mean(key, known)}" for key in instance
                if key not in known and not _matches_pattern(key, schema)]
    if error.validator == "required" and isinstance(instance, dict):
        return [f"{where}: missing required key {quoted(key)}" for key in value if key not in instance]
    if error.validator == "type":
        wanted = " or ".join(value) if isinstance(value, list) else value
        return [f"{where}: expected {wanted}, got {_shown(instance)}"]
    if error.validator == "enum":
        return [f"{where}: {_shown(instance)} is not one of {', '.join(_shown(v) for v in value)}"]
    if error.validator == "const":
        return [f"{where}: must be {_shown(value)}, got {_shown(instance)}"]
    if error.validator in ("oneOf", "anyOf"):
        return [_alternatives(error, where)]
    if error.validator == "not" and isinstance(value, dict) and set(value) == {"required"}:
        return [f"{where}: key {quoted(key)} is not allowed here" for key in value["required"]]
    message, shown = error.message, repr(instance)
    if message.startswith(shown):  # jsonschema starts with the Python repr; show the JSON value instead
        message = _shown(instance) + message[len(shown):]
    return [f"{where}: {message}"]


def _alternatives(error: ValidationError, where: str) -> str:
    how = "exactly one" if error.validator == "oneOf" else "at least one"
    forms = error.validator_value
    if all(isinstance(form, dict) and set(form) == {"required"} for form in forms):
        keys = [key for form in forms for key in form["required"]]
        present = [key for key in keys if isinstance(error.instance, dict) and key in error.instance]
        return (f"{where}: needs {how} of {', '.join(map(quoted, keys))}"
                + (f", it has {', '.join(map(quoted, present))}" if present else ""))
    best = min(error.context, key=lambda sub: len(sub.absolute_path), default=None)
    return f"{where}: matches none of the allowed forms" + (f" ({best.message})" if best else "")


def _path(path) -> str:
    return "config" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)


def did_you_mean(key: object, known) -> str:
    """` (did you mean "flat_fee"?)` when `key` is close to a known key, else ""."""
    close = get_close_matches(str(key), list(known), n=1, cutoff=0.6)
    return f" (did you mean {quoted(close[0])}?)" if close else ""


def _matches_pattern(key: str, schema: dict) -> bool:
    return any(re.search(pattern, key) for pattern in schema.get("patternProperties", {}))


def quoted(key: object) -> str:
    return json.dumps(key, ensure_ascii=False, default=str)


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."
