"""The Event contract is the ingest contract: the Pydantic side (parse_event) and the DuckDB classification
accept and refuse the same records, naming the same field, on a table of tricky inputs and on generated ones."""

import json
import re
from datetime import timezone
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing_dagster.domain import contracts_usage as contract
from billing_dagster.domain.contracts_usage import EventRejected, parse_event
from billing_dagster.usage.ingest import CONTRACT_PARAMETERS
from billing_dagster.usage.queries import sql
from ingest_support import DAY, Landing

# Refusals that depend on the day's context, not the document: outside the contract's say.
CONTEXT = ("unknown tenant", "unknown metric", "is above the maximum", "outside the partition day")
T = '"2026-10-05T01:00:00Z"'


def _doc(event_id='"{id}"', tenant='"t1"', metric='"api_calls"', quantity="1", timestamp=T, extra="") -> str:
    return ('{"event_id": ' + event_id + ', "tenant_id": ' + tenant + ', "metric": ' + metric + ', "quantity": '
            + quantity + ', "timestamp": ' + timestamp + extra + "}")


def _q(text):
    return _doc(quantity=text)


def _t(text):
    return _doc(timestamp=json.dumps(text))


def _d(text):
    return _doc(extra=', "dimensions": ' + text)


CASES = [
    # event_id
    _doc(event_id='""'), _doc(event_id='" "'), _doc(event_id='"\\t\\n"'), _doc(event_id='"\\u00a0{id}"'),
    _doc(event_id="4242"), _doc(event_id='{"id": 1}'), _doc(event_id="null"), _doc(event_id="true"),
    _doc(event_id='"{id}' + "x" * 190 + '"'), _doc(event_id='"{id}' + "x" * 201 + '"'),
    _doc(event_id='"{id}' + "é" * 190 + '"'), _doc(event_id='"{id}' + "👨‍👩‍👧" * 38 + '"'),
    _doc(event_id='"{id}' + "👨‍👩‍👧" * 40 + '"'), _doc(event_id='"{id}\\u0000"'), _doc(event_id='"{id}\\ud800"'),
    _doc(event_id='"{id}\\ud83d\\ude00"'),
    # tenant_id and metric
    _doc(tenant="7"), _doc(tenant="null"), _doc(tenant='""'), _doc(metric="[]"), _doc(metric='""'),
    _doc(tenant='"t\\u0031"'),
    # quantity
    *[_q(text) for text in [
        '"0"', '"0.0"', '"00"', '"01"', '"1."', '".5"', '"1.50"', '"-0"', "-0", '"-0.0000000004"', '"1_000"',
        '"1e3"', "1e3", "1E3", "1.5", "1.0", "-1", '" 12"', '"12 "', '"+1"', '"0x10"', '"１２"', '"1,5"',
        "98765432109876543210", "12345678901234567890", '"99999999999999999999999999"',
        '"999999999999999999999999999"', "99999999999999999999999999", "100000000000000000000000000",
        '"0.123456789012"', '"0.1234567890123"', '"1.000000000000"', '"1.0000000000000"', "true", "[]", "{}",
        "null", "NaN", "Infinity", "-Infinity", "1E400", "0.1e1", '"NaN"', '"Infinity"', '""', '"１"']],
    # timestamp
    *[_t(text) for text in [
        "2026-10-05T01:00:00+00:00", "2026-10-05T01:00:00-00:00", "2026-10-05T03:00:00+02:00",
        "2026-10-05t01:00:00z", "2026-10-05 01:00:00Z", "2026-10-05T03:00:00+0200", "2026-10-05T03:00:00+02",
        "2026-10-05T01:00:00", "2026-10-05T01:00:00.123456789Z", "2026-10-05T01:00:00.1234567890Z",
        "2026-10-05T01:00:00.Z", "2026-10-05T24:00:00Z", "2026-10-05T23:59:60Z", "2026-02-29T01:00:00Z",
        "2024-02-29T01:00:00Z", "0000-10-05T01:00:00Z", "20261005T010000Z", "2026-10-05T01:00:00Z ",
        "2026-10-05T01:00Z", "2026-10-05T01:00:00+24:00", "2026-10-05T01:00:00+23:59", "2026-1-5T01:00:00Z",
        "2026-10-05T01:00:00 UTC", "2026-04-31T01:00:00Z", "yesterday", ""]],
    _doc(timestamp="12345"), _doc(timestamp="null"),
    # dimensions
    *[_d(text) for text in [
        "{}", '{"a": "1"}', '{"a": 1}', '{"a": null}', '{"a": {"b": "c"}}', "[]", '"x"', "null",
        json.dumps({f"k{i}": "v" for i in range(32)}), json.dumps({f"k{i}": "v" for i in range(33)}),
        json.dumps({"k": "v" * 200}), json.dumps({"k": "v" * 201}), '{"a": "1", "a": "2"}', '{"": ""}',
        '{"a": "1", "b": "2", "\\u0061\\u0062": "3"}', '{"a": "\\ud800"}']],
    # the record
    "not json", "[1, 2]", '"a string"', "42", "null", _doc(extra=","), _doc(extra=', "x": NaN'),
    _doc(extra=', "x": Infinity'), _doc(extra=', "x": -Infinity'), _doc(extra=', "x": [1, 2,]'),
    _doc(extra=', "x": 1.5'), _doc(extra=', "x": {"y": 1, "y": 2}'), _doc(extra=', "event_id": "other"'),
    _doc(extra=', "x": "\\ud800"'), _doc(extra=', "x": "a\\u0000b"'), _doc(extra=', "x": "tab\there"'),
    _doc(extra=', "x": 1e400'), _doc(extra=', "x": "\\x"'), "   " + _doc() + "  ", _doc() + " x",
    _doc() + " // comment", "\ufeff" + _doc(), _doc().replace('"quantity"', '"quan\\u0074ity"'),
    _doc().replace(", ", ",\r"), _doc().replace('"metric"', '"tenant_id": "t2", "metric"'),
]


def _sql_verdicts(tmp_path, records: list[bytes]) -> dict[int, str | None]:
    landing = Landing(tmp_path)
    landing.write(b"\n".join(records) + b"\n")
    counts = landing.ingest(max_quantity={"api_calls": contract.MAX_QUANTITY_CEILING})
    assert counts.balanced() and counts.events_in == len(records)
    rows = pq.read_table(landing.lake.quarantine_file(DAY)).to_pylist()
    return {row["line_no"]: row["reason"] for row in rows if row["status"] == "quarantined"
            and not any(marker in row["reason"] for marker in CONTEXT)}


def _python_verdict(record: bytes) -> str | None:
    try:
        parse_event(record)
    except EventRejected as rejected:
        return rejected.reason
    return None


def _agree(tmp_path, records: list[bytes]) -> list:
    sql = _sql_verdicts(tmp_path, records)
    disagreements = []
    for number, record in enumerate(records, start=1):
        python = _python_verdict(record)
        in_sql = sql.get(number)
        if (python is None) != (in_sql is None) or (python and python.split(":")[0] != in_sql.split(":")[0]):
            disagreements.append((record, python, in_sql))
    return disagreements


def test_sql_and_pydantic_agree_on_tricky_records(tmp_path):
    records = [case.replace("{id}", f"case-{n}").encode() for n, case in enumerate(CASES)]
    records.append(_doc().replace("{id}", "bad-\xff").encode("latin-1"))
    assert _agree(tmp_path, records) == []
    # and the table holds both outcomes for every field
    verdicts = [_python_verdict(record) for record in records]
    fields = {verdict.split(":")[0] for verdict in verdicts if verdict}
    assert fields == {"record", *contract.EVENT_FIELDS}
    assert verdicts.count(None) >= 20


def test_the_same_reasons_word_for_word_on_quantities_and_timestamps(tmp_path):
    records = [_q(text).replace("{id}", f"q{n}").encode() for n, text in enumerate(
        ['"-0.0000000004"', '"1_000"', '"0.1234567890123"', '"999999999999999999999999999"', "1.5", "true",
         '" 12"'])] + [_t(text).replace("{id}", f"t{n}").encode() for n, text in enumerate(
        ["2026-10-05 01:00:00Z", "2026-02-30T01:00:00Z"])]
    sql = _sql_verdicts(tmp_path, records)
    python = {number: _python_verdict(record) for number, record in enumerate(records, start=1)}
    assert sql == python
    assert sql[5] == "quantity: JSON number 1.5 has a fraction or exponent; send it as a decimal string"


def test_the_published_rules_are_the_ones_the_sql_binds():
    text = sql("create_checked_events")
    for name in CONTRACT_PARAMETERS:
        assert f"${name}" in text, name
    assert f"DECIMAL({contract.QUANTITY_PRECISION}, {contract.QUANTITY_SCALE})" == contract.LAKE_QUANTITY_TYPE
    assert set(re.findall(r"DECIMAL\([^)]*\)", text)) == {contract.LAKE_QUANTITY_TYPE}
    schema = json.loads((Path(__file__).parents[2] / "schemas" / "event.schema.json").read_text())
    assert schema["properties"]["quantity"]["anyOf"][1]["pattern"] == contract.QUANTITY_PATTERN
    assert schema["properties"]["timestamp"]["pattern"] == contract.TIMESTAMP_PATTERN
    assert schema["properties"]["quantity"]["anyOf"][0]["maximum"] == contract.QUANTITY_INTEGER_MAX


_TEXT = st.one_of(st.text(max_size=6), st.sampled_from(["t1", "t2", "api_calls", "e", " ", ""]))
_QUANTITY = st.one_of(
    st.integers(-5, 10**27), st.decimals(allow_nan=False, allow_infinity=False, places=14).map(str),
    st.sampled_from(["1_000", "1e3", " 1", "+1", "-0", "1.", ".5", "0.0"]), st.booleans(), st.none(),
    st.floats(allow_nan=False, allow_infinity=False))
_TIMESTAMP = st.one_of(
    st.datetimes(timezones=st.just(timezone.utc)).map(
        lambda moment: moment.isoformat().replace("+00:00", "Z")),
    st.sampled_from(["2026-10-05T01:00:00Z", "2026-10-05T03:00:00+02:00", "2026-10-05 01:00:00Z",
                     "2026-02-30T01:00:00Z"]), _TEXT, st.integers())
_DIMENSIONS = st.one_of(st.dictionaries(st.text(max_size=3), st.one_of(st.text(max_size=4), st.integers()),
                                        max_size=3), st.none(), st.text(max_size=3))
# Tenants and metrics: ingest checks they exist (a stronger rule than the contract's key grammar, which the
# known ones meet), so the generated ones are known, unknown but well-formed, empty or not strings.
_KEY = st.one_of(st.sampled_from(["t1", "t2", "api_calls", "llm_tokens", "nobody", "", "t\u00e9"]), st.integers(),
                 st.none(), st.lists(st.integers(), max_size=1))
_FIELD_VALUES = {"event_id": st.one_of(_TEXT, st.integers()), "tenant_id": _KEY, "metric": _KEY,
                 "quantity": _QUANTITY, "timestamp": _TIMESTAMP, "dimensions": _DIMENSIONS}


@st.composite
def _records(draw) -> bytes:
    document = {}
    for name, values in _FIELD_VALUES.items():
        if draw(st.integers(0, 9)) > 0:  # usually present
            document[name] = draw(values)
    text = json.dumps(document, ensure_ascii=draw(st.booleans()))
    return text.encode()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(_records(), min_size=1, max_size=30))
def test_sql_and_pydantic_agree_on_generated_records(tmp_path_factory, records):
    assert _agree(tmp_path_factory.mktemp("agree"), records) == []
