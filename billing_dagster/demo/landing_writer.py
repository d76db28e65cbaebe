"""Render drawn usage events as landing JSON lines, a chunk at a time, without a Python loop per event.

A line is the concatenation of a few pieces, each picked by index from a small table of the texts it can
take (tenant ids, zero-padded event numbers, metric names, quantities, times of day, regions), with the
fixed JSON punctuation glued onto the pieces. Arrow's take and binary_join_element_wise (C++, outside the
GIL) assemble the chunk; its string buffer is then the file's bytes.

Every line is byte for byte what `json.dumps(event, separators=(",", ":"))` gives for
{"event_id", "tenant_id", "metric", "quantity", "timestamp", "dimensions": {"region"}}.
"""

import json
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# How an event is spoilt, by the code `render` takes in `kind`: VALID, or one of the five malformed kinds.
VALID = -1
MISSING_TENANT, NEGATIVE_QUANTITY, QUANTITY_LOTS, UNKNOWN_METRIC, BAD_TIMESTAMP = range(5)
MALFORMED_KINDS = 5
UNKNOWN_METRIC_NAME = "crypto_mining"
BAD_TIMESTAMP_TEXT = "31/10/2026 25:61"
_SECONDS_PER_DAY = 86_400


def truncated_line(day: date) -> bytes:
    """A line cut off mid-object, as a crashed writer leaves it."""
    return b'{"event_id": "broken-' + day.isoformat().encode() + b'", "tenant_id": \n'


def _json(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def _times_of_day() -> pa.Array:
    """'14:03:11Z' for every second of the day, then '' (the malformed timestamp has no time of its own)."""
    seconds = np.arange(_SECONDS_PER_DAY)
    hours, minutes, secs = (pc.utf8_lpad(pa.array(part).cast(pa.string()), 2, "0")
                            for part in (seconds // 3600, seconds // 60 % 60, seconds % 60))
    return pa.concat_arrays([pc.binary_join_element_wise(hours, ":", minutes, ":", secs, "Z", ""), pa.array([""])])


def _product(first: pa.Array, second: pa.Array) -> pa.Array:
    """Every text of `first` followed by every text of `second`, at index i * len(second) + j."""
    rows = np.arange(len(first) * len(second))
    return pc.binary_join_element_wise(first.take(rows // len(second)), second.take(rows % len(second)), "")


class LineRenderer:
    """Texts for one set of tenants and metrics; `render` turns arrays of drawn fields into JSON lines.

    A line is seven pieces: '{"event_id":"t001-20261005-', '00042"', ',"tenant_id":"t001","metric":',
    '"api_calls","quantity":12', ',"timestamp":"2026-10-05T', '14:03:11Z' and
    '","dimensions":{"region":"us-east"}}' with the newline. Each malformed kind swaps one piece for a spoilt one.
    (The tables stay small enough for the CPU cache: a time-and-region table of 259k texts was 8x slower to take.)
    """

    def __init__(self, tenant_ids: list[str], metrics: list[str], decimal_metric: str, regions: list[str],
                 max_quantity: int, max_events_per_day: int):
        quoted = [_json(tenant) for tenant in tenant_ids]
        self._decimal_metric = metrics.index(decimal_metric)
        self._tenant_open = pa.array(['{"event_id":' + text[:-1] + "-" for text in quoted])
        self._counter = pa.array([f'{n:05d}"' for n in range(max(1, max_events_per_day))])
        # ',"tenant_id":"t001","metric":' per tenant, then ',"metric":' alone (malformed: tenant_id missing)
        self._tenant_field = pa.array([f',"tenant_id":{text},"metric":' for text in quoted] + [',"metric":'])
        self._missing_tenant = len(quoted)
        # quantity texts: n, then -n, then "n/100" with two decimals, then "lots"; each for n in 0..max_quantity
        self._quantity_span = max_quantity + 1
        values = range(self._quantity_span)
        quantities = pa.array([str(n) for n in values] + [f"-{n}" for n in values]
                              + [_json(f"{n // 100}.{n % 100:02d}") for n in values] + [_json("lots")])
        self._quantity_codes = len(quantities)
        self._unknown_metric = len(metrics)
        names = pa.array([f'{_json(metric)},"quantity":' for metric in [*metrics, UNKNOWN_METRIC_NAME]])
        self._metric_quantity = _product(names, quantities)
        self._time = _times_of_day()
        self._region = pa.array([f'","dimensions":{{"region":{_json(region)}}}}}\n' for region in regions])

    def render(self, day: date, previous_day: date, *, tenant: np.ndarray, n: np.ndarray, metric: np.ndarray,
               quantity: np.ndarray, second: np.ndarray, late: np.ndarray, region: np.ndarray,
               kind: np.ndarray, repeat: np.ndarray | None = None) -> memoryview:
        """The bytes of one line per row of the field arrays (all of the same length), row `repeat[i]` i-th.

        tenant indexes `tenant_ids` and metric `metrics`; quantity is in hundredths for the decimal metric;
        second is the second of `day`, of `previous_day` where `late`; kind is VALID or a malformed kind."""
        decimal = metric == self._decimal_metric
        span = self._quantity_span
        quantity_code = np.where(decimal, 2 * span + quantity, quantity)
        quantity_code = np.where(kind == NEGATIVE_QUANTITY,
                                 span + np.maximum(np.where(decimal, quantity // 100, quantity), 1), quantity_code)
        quantity_code[kind == QUANTITY_LOTS] = 3 * span
        metric_code = np.where(kind == UNKNOWN_METRIC, self._unknown_metric, metric)
        bad_time = kind == BAD_TIMESTAMP
        pieces = [
            (pc.binary_join_element_wise(self._tenant_open, f"{day:%Y%m%d}-", ""), tenant),
            (self._counter, n),
            (self._tenant_field, np.where(kind == MISSING_TENANT, self._missing_tenant, tenant)),
            (self._metric_quantity, metric_code * self._quantity_codes + quantity_code),
            (pa.array([f',"timestamp":"{day.isoformat()}T', f',"timestamp":"{previous_day.isoformat()}T',
                       f',"timestamp":"{BAD_TIMESTAMP_TEXT}']), np.where(bad_time, 2, late.astype(np.int64))),
            (self._time, np.where(bad_time, _SECONDS_PER_DAY, second)),
            (self._region, region),
        ]
        pool = pa.system_memory_pool()  # malloc reuses freed chunks; mimalloc unmapped them (3x the system time)
        lines = pc.binary_join_element_wise(
            *(pc.take(texts, index if repeat is None else index[repeat], memory_pool=pool) for texts, index in pieces),
            "", memory_pool=pool)
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1, offset=4 * lines.offset)
        return memoryview(lines.buffers()[2])[offsets[0]:offsets[-1]]
