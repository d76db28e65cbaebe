"""Property tests of the ingest over generated landing files: every line ends in exactly one of accepted,
duplicate, conflict or quarantined, as a plain Python model of the rules says; counts balance; accepted
quantities are exactly the decimal the line carried."""

import gzip
import json
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing_dagster.domain import contracts_usage as contract
from billing_dagster.domain.contracts_usage import EventRejected, parse_event
from ingest_support import METRICS, TENANTS, Landing

DAYS = [date(2026, 10, 5), date(2026, 10, 6)]
MAXIMA = {"api_calls": Decimal(10**20), "llm_tokens": Decimal(contract.DEFAULT_MAX_QUANTITY)}

_QUANTITIES = st.one_of(
    st.integers(0, 10**20), st.integers(-3, 3),
    st.decimals(min_value=0, max_value=10**16, places=12, allow_nan=False).map(lambda d: format(d, "f")),
    st.sampled_from(["0.123456789012", "0.0000000004", "-0.0000000004", "1_000", "1e3", "1.50", "0.1234567890123",
                     "60000000000000000000000000000", "99999999999999999999999999"]))
_OFFSETS = st.sampled_from(["Z", "+00:00", "+02:00", "-05:30"])


@st.composite
def _event(draw, day: date) -> dict:
    offset = draw(_OFFSETS)
    shift = 0 if offset in ("Z", "+00:00") else (2 * 60 if offset == "+02:00" else -(5 * 60 + 30))
    moment = datetime(day.year, day.month, day.day) + timedelta(seconds=draw(st.integers(-3600, 86_400 + 3600)))
    fraction = draw(st.sampled_from(["", ".5", ".123456", ".1234567891"]))
    stamp = (moment + timedelta(minutes=shift)).strftime("%Y-%m-%dT%H:%M:%S") + fraction + offset
    document = {"event_id": draw(st.sampled_from(["e0", "e1", "e2", "e3", "4242"])),
                "tenant_id": draw(st.sampled_from(["t1", "t2", "t3"])),
                "metric": draw(st.sampled_from(["api_calls", "llm_tokens"])),
                "quantity": draw(_QUANTITIES), "timestamp": stamp}
    if draw(st.booleans()):
        document["dimensions"] = draw(st.dictionaries(st.sampled_from(["a", "b", "c"]), st.sampled_from(["x", "y"]),
                                                      max_size=3))
    if draw(st.integers(0, 9)) == 0:
        document["event_id"] = 4242
    return document


@st.composite
def _file_lines(draw, day: date) -> list[bytes]:
    """Lines of one file: events rendered in varied ways, some repeated, some broken, some blank."""
    lines: list[bytes] = []
    for _ in range(draw(st.integers(0, 14))):
        kind = draw(st.integers(0, 9))
        if kind <= 5 or not lines:
            document = draw(_event(day))
            keys = list(document)
            if draw(st.booleans()):
                keys.reverse()
            text = json.dumps({k: document[k] for k in keys}, separators=draw(st.sampled_from([(",", ":"), (", ", ": ")])))
            lines.append(text.encode())
        elif kind == 6:
            lines.append(draw(st.sampled_from(lines)))  # an exact repeat
        elif kind == 7:
            lines.append(draw(st.sampled_from([b"", b"   ", b"not json", b'{"event_id": "e\xff1"}', b"[1]"])))
        elif kind == 8:
            previous = draw(st.sampled_from(lines))
            lines.append(previous.replace(b'"quantity"', b'"quantity": 0, "quantity"', 1))
        else:
            lines.append(draw(st.sampled_from(lines)).replace(b",", b",\r", 1))  # bare \r: JSON whitespace
    return lines


def _render(lines: list[bytes], crlf: bool, bom: bool) -> bytes:
    data = (b"\r\n" if crlf else b"\n").join(lines) + (b"\n" if lines else b"")
    return (b"\xef\xbb\xbf" if bom else b"") + data


def _instant(text: str) -> datetime:
    match = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|([+-])(\d\d):(\d\d))", text)
    year, month, day_, hour, minute, second = map(int, match.groups()[:6])
    micro = int((match.group(7) or "0")[:6].ljust(6, "0"))
    offset = timedelta(0) if match.group(8) == "Z" else (1 if match.group(9) == "+" else -1) * timedelta(
        hours=int(match.group(10)), minutes=int(match.group(11)))
    return datetime(year, month, day_, hour, minute, second, micro, tzinfo=timezone(offset)).astimezone(timezone.utc)


def _model(day: date, records: list[tuple[str, int, bytes]], seen: dict) -> dict:
    """The outcome of every record by the rules as docs/ingestion.md states them, in plain Python."""
    outcomes = {}
    start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    for name, number, record in sorted(records, key=lambda r: (r[0], r[1])):
        try:
            event = parse_event(record)
        except EventRejected:
            outcomes[(name, number)] = ("quarantined", None)
            continue
        quantity = Decimal(str(event.quantity))
        instant = _instant(event.timestamp)
        if (event.tenant_id not in TENANTS or event.metric not in METRICS or quantity > MAXIMA[event.metric]
                or not start <= instant < start + timedelta(days=1)):
            outcomes[(name, number)] = ("quarantined", None)
            continue
        key = (event.tenant_id, event.event_id)
        body = (event.metric, quantity, instant, tuple(sorted(event.dimensions.items())))
        if key not in seen:
            seen[key] = body
            outcomes[(name, number)] = ("accepted", quantity)
        else:
            outcomes[(name, number)] = ("duplicate" if seen[key] == body else "conflict", None)
    return outcomes


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_every_line_ends_in_exactly_one_outcome_as_the_rules_say(tmp_path_factory, data):
    landing = Landing(tmp_path_factory.mktemp("lake"))
    seen: dict = {}
    for day in DAYS:
        records = []
        for number in range(data.draw(st.integers(1, 3), label="files")):
            lines = data.draw(_file_lines(day), label=f"lines {day} {number}")
            crlf, bom, packed = data.draw(st.booleans()), data.draw(st.booleans()), data.draw(st.booleans())
            name = f"f{number}.jsonl" + (".gz" if packed else "")
            body = _render(lines, crlf, bom)
            landing.write(gzip.compress(body) if packed else body, name, day=day)
            source = f"landing/date={day.isoformat()}/{name}"
            records += [(source, n, line) for n, line in enumerate(lines, start=1)
                        if line.strip(b" \t\r") != b""]
        expected = _model(day, records, seen)
        counts = landing.ingest(day, max_quantity=MAXIMA)
        assert counts.balanced() and counts.complete()
        assert counts.events_in == len(records)
        by_outcome = {}
        for key, (outcome, _) in expected.items():
            by_outcome.setdefault(outcome, set()).add(key)
        accepted = {(row["source_file"], row["line_no"]): row for row in landing.accepted(day)}
        quarantine = landing.quarantined(day)
        assert set(accepted) == by_outcome.get("accepted", set())
        assert {(r["source_file"], r["line_no"]) for r in quarantine if r["status"] == "quarantined"} == \
            by_outcome.get("quarantined", set())
        assert {(r["source_file"], r["line_no"]) for r in quarantine if r["status"] == "conflict"} == \
            by_outcome.get("conflict", set())
        assert (counts.accepted, counts.duplicate, counts.conflict, counts.quarantined) == tuple(
            len(by_outcome.get(outcome, ())) for outcome in ("accepted", "duplicate", "conflict", "quarantined"))
        for key, row in accepted.items():
            assert row["quantity"] == expected[key][1]  # exactly the line's decimal
