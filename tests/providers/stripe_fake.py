"""A local server that speaks Stripe's v1 wire format, for tests of the invoice mirror.

What it reproduces, because the sync depends on it:
- form-encoded request bodies with bracketed keys (`metadata[billing_key]=...`), query strings on GET;
- JSON objects with "object" and "id"; lists as {"object": "list", "data", "has_more"} with `starting_after`;
- `Authorization: Bearer <key>`; errors in Stripe's envelope {"error": {"type", "code", "message", "param"}};
- unknown parameters refused (400 parameter_unknown), as Stripe does;
- idempotency: a POST whose Idempotency-Key was seen before gets the first response again (header
  `Idempotent-Replayed: true`) when the method, path and parameters are the same, and 400 idempotency_error
  when they differ; 4xx results are not stored (Stripe stores only requests that began executing).
- invoices are drafts until finalized; items attach to drafts only; totals are sums of the attached items.

Faults for crash tests: `drop_response` executes a request and then cuts the connection before answering (the
client sees a network error after Stripe committed, like a process killed at that instant);
`fail` answers an error without executing; `expire_idempotency_keys` forgets every key (24 h later).
"""

import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

API_KEY = "sk_test_fake_123"


@dataclass
class Request:
    method: str
    path: str
    params: dict
    idempotency_key: str | None
    status: int = 0
    replayed: bool = False


@dataclass
class _Fault:
    method: str
    path: re.Pattern
    times: int
    after: int = 0
    status: int = 0
    error: dict = field(default_factory=dict)


class StripeError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, param: str | None = None,
                 kind: str = "invalid_request_error"):
        super().__init__(message)
        self.status = status
        self.body = {"error": {k: v for k, v in
                               {"type": kind, "code": code, "message": message, "param": param}.items() if v}}


class StripeFake:
    def __init__(self, api_key: str = API_KEY):
        self.api_key = api_key
        self.objects: dict[str, dict] = {}
        self.requests: list[Request] = []
        self._keys: dict[str, tuple[tuple, int, dict]] = {}
        self._drops: list[_Fault] = []
        self._fails: list[_Fault] = []
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None

    # lifecycle ------------------------------------------------------------------------------------
    def __enter__(self) -> "StripeFake":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake._serve(self)

            do_POST = do_DELETE = do_GET

            def log_message(self, *args):
                """Keep test output quiet: requests are asserted on, not logged."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # inspection and faults ------------------------------------------------------------------------
    def of_type(self, object_name: str) -> list[dict]:
        with self._lock:
            return [self._render(o) for o in self.objects.values() if o["object"] == object_name]

    def writes(self) -> list[Request]:
        return [r for r in self.requests if r.method in ("POST", "DELETE")]

    def drop_response(self, method: str, path: str, times: int = 1, after: int = 0) -> None:
        """Execute the next `times` matching requests (after letting `after` of them through), then hang up."""
        self._drops.append(_Fault(method, re.compile(path), times, after))

    def fail(self, method: str, path: str, status: int, error: dict, times: int = 1) -> None:
        """Answer the next `times` matching requests with `error` (Stripe's envelope) without executing them."""
        self._fails.append(_Fault(method, re.compile(path), times, 0, status, error))

    def expire_idempotency_keys(self) -> None:
        with self._lock:
            self._keys.clear()

    # HTTP -----------------------------------------------------------------------------------------
    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        method, split = handler.command, urlsplit(handler.path)
        raw = handler.rfile.read(int(handler.headers.get("Content-Length") or 0)).decode()
        params = _decode(raw if method == "POST" else split.query)
        key = handler.headers.get("Idempotency-Key") if method == "POST" else None
        request = Request(method, split.path, params, key)
        with self._lock:
            self.requests.append(request)
            status, body, headers = self._respond(request, handler.headers.get("Authorization", ""))
            request.status = status
            if _take(self._drops, method, split.path):
                handler.close_connection = True
                return
        payload = json.dumps(body).encode()
        handler.send_response(status)
        for name, value in {"Content-Type": "application/json", "Content-Length": str(len(payload)),
                            "Request-Id": f"req_{next(self._ids)}", "Stripe-Should-Retry": "false"
                            if 400 <= status < 500 else None, **headers}.items():
            if value is not None:
                handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    def _respond(self, request: Request, authorization: str) -> tuple[int, dict, dict]:
        if authorization != f"Bearer {self.api_key}":
            return 401, StripeError(401, f"Invalid API Key provided: {authorization[7:15]}***").body, {}
        fault = _take(self._fails, request.method, request.path)
        if fault is not None:
            return fault.status, {"error": fault.error}, {}
        if request.idempotency_key is not None and request.idempotency_key in self._keys:
            first, status, body = self._keys[request.idempotency_key]
            if first != (request.method, request.path, request.params):
                error = StripeError(400, "Keys for idempotent requests can only be used with the same parameters "
                                    "they were first used with. Try using a key other than "
                                    f"'{request.idempotency_key}' if you meant to execute a different request.",
                                    kind="idempotency_error")
                return 400, error.body, {}
            request.replayed = True
            return status, body, {"Idempotent-Replayed": "true", "Idempotency-Key": request.idempotency_key}
        try:
            status, body = 200, self._route(request)
        except StripeError as error:
            status, body = error.status, error.body
        if request.idempotency_key is not None and not 400 <= status < 500:
            self._keys[request.idempotency_key] = ((request.method, request.path, request.params), status, body)
        return status, body, {"Idempotency-Key": request.idempotency_key}

    def _route(self, r: Request) -> dict:
        parts = r.path.strip("/").split("/")
        if parts[:1] != ["v1"] or len(parts) < 2:
            raise StripeError(404, f"Unrecognized request URL ({r.method}: {r.path}).")
        route = (r.method, parts[1], len(parts), parts[3] if len(parts) > 3 else None)
        handlers = {
            ("POST", "customers", 2, None): lambda: self._create_customer(r.params),
            ("GET", "customers", 3, None): lambda: self._get(parts[2], "customer"),
            ("POST", "invoices", 2, None): lambda: self._create_invoice(r.params),
            ("GET", "invoices", 2, None): lambda: self._list("invoice", r.params, ("customer", "status")),
            ("GET", "invoices", 3, None): lambda: self._get(parts[2], "invoice"),
            ("POST", "invoices", 3, None): lambda: self._update_invoice(parts[2], r.params),
            ("DELETE", "invoices", 3, None): lambda: self._delete(parts[2], "invoice"),
            ("POST", "invoices", 4, "finalize"): lambda: self._finalize(parts[2], r.params),
            ("POST", "invoiceitems", 2, None): lambda: self._create_item(r.params),
            ("GET", "invoiceitems", 2, None): lambda: self._list("invoiceitem", r.params, ("invoice", "customer")),
            ("GET", "invoiceitems", 3, None): lambda: self._get(parts[2], "invoiceitem"),
            ("DELETE", "invoiceitems", 3, None): lambda: self._delete(parts[2], "invoiceitem"),
        }
        if route not in handlers:
            raise StripeError(404, f"Unrecognized request URL ({r.method}: {r.path}).")
        return handlers[route]()

    # resources ------------------------------------------------------------------------------------
    def _new(self, prefix: str, object_name: str, **fields) -> dict:
        number = next(self._ids)
        obj = {"id": f"{prefix}_fake{number:06d}", "object": object_name, "created": 1_770_000_000 + number,
               "livemode": False, **fields}
        self.objects[obj["id"]] = obj
        return obj

    def _create_customer(self, p: dict) -> dict:
        _allow(p, "name", "email", "description", "metadata")
        return self._new("cus", "customer", name=p.get("name"), email=p.get("email"),
                         metadata=p.get("metadata", {}))

    def _create_invoice(self, p: dict) -> dict:
        _allow(p, "customer", "currency", "collection_method", "days_until_due", "auto_advance", "description",
               "pending_invoice_items_behavior", "metadata")
        customer = self._find(_required(p, "customer"), "customer", "customer")
        method = p.get("collection_method", "charge_automatically")
        if method not in ("charge_automatically", "send_invoice"):
            raise StripeError(400, f"Invalid collection_method: {method}", "parameter_invalid", "collection_method")
        days = _int(p, "days_until_due")
        if method == "send_invoice" and days is None:
            raise StripeError(400, "Missing required param: days_until_due.", "parameter_missing", "days_until_due")
        invoice = self._new("in", "invoice", customer=customer["id"], currency=p.get("currency", "usd"),
                            collection_method=method, days_until_due=days, status="draft", number=None,
                            auto_advance=_bool(p, "auto_advance", True), description=p.get("description"),
                            metadata=p.get("metadata", {}))
        if p.get("pending_invoice_items_behavior", "exclude") == "include":
            for item in self.objects.values():
                if (item["object"] == "invoiceitem" and item["customer"] == customer["id"]
                        and item["invoice"] is None and item["currency"] == invoice["currency"]):
                    item["invoice"] = invoice["id"]
        return self._render(invoice)

    def _update_invoice(self, invoice_id: str, p: dict) -> dict:
        _allow(p, "days_until_due", "description", "metadata", "auto_advance")
        invoice = self._find(invoice_id, "invoice")
        if invoice["status"] != "draft" and ("days_until_due" in p or "auto_advance" in p):
            raise StripeError(400, f"Finalized invoices can't be updated in this way", "invoice_not_editable")
        if "days_until_due" in p:
            invoice["days_until_due"] = _int(p, "days_until_due")
        invoice["metadata"] = {**invoice["metadata"], **p.get("metadata", {})}
        invoice.update({k: p[k] for k in ("description",) if k in p})
        return self._render(invoice)

    def _finalize(self, invoice_id: str, p: dict) -> dict:
        _allow(p, "auto_advance")
        invoice = self._find(invoice_id, "invoice")
        if invoice["status"] != "draft":
            raise StripeError(400, f"This invoice is already finalized.", "invoice_not_editable")
        invoice.update(status="open", number=f"FAKE-{next(self._ids):04d}")
        return self._render(invoice)

    def _create_item(self, p: dict) -> dict:
        _allow(p, "customer", "invoice", "amount", "currency", "description", "period", "metadata")
        customer = self._find(_required(p, "customer"), "customer", "customer")
        amount, currency = _int(p, "amount"), p.get("currency")
        if amount is None or not currency:
            raise StripeError(400, "Missing required param: amount and currency.", "parameter_missing", "amount")
        invoice = None
        if "invoice" in p:
            invoice = self._find(p["invoice"], "invoice", "invoice")
            if invoice["status"] != "draft":
                raise StripeError(400, f"Invoice {invoice['id']} is not a draft; items can't be added.",
                                  "invoice_not_editable", "invoice")
            if invoice["customer"] != customer["id"] or invoice["currency"] != currency:
                raise StripeError(400, "The invoice's customer and currency must match the item's.",
                                  "parameter_invalid", "invoice")
        period = p.get("period", {})
        return self._new("ii", "invoiceitem", customer=customer["id"], invoice=invoice and invoice["id"],
                         amount=amount, currency=currency, description=p.get("description"),
                         period={"start": _int(period, "start"), "end": _int(period, "end")},
                         metadata=p.get("metadata", {}))

    def _delete(self, object_id: str, object_name: str) -> dict:
        obj = self._find(object_id, object_name)
        invoice = self.objects.get(obj["id"] if object_name == "invoice" else obj.get("invoice") or "")
        if invoice is not None and invoice["status"] != "draft":
            raise StripeError(400, f"Invoice {invoice['id']} is {invoice['status']}; only drafts can change.",
                              "invoice_not_editable")
        del self.objects[object_id]
        if object_name == "invoice":
            for item in [o for o in self.objects.values() if o.get("invoice") == object_id]:
                item["invoice"] = None
        return {"id": object_id, "object": object_name, "deleted": True}

    def _get(self, object_id: str, object_name: str) -> dict:
        return self._render(self._find(object_id, object_name))

    def _list(self, object_name: str, p: dict, filters: tuple[str, ...]) -> dict:
        _allow(p, "limit", "starting_after", *filters)
        rows = sorted((o for o in self.objects.values() if o["object"] == object_name
                       and all(o.get(f) == p[f] for f in filters if f in p)), key=lambda o: -o["created"])
        if "starting_after" in p:
            after = self._find(p["starting_after"], object_name, "starting_after")
            rows = [o for o in rows if o["created"] < after["created"]]
        limit = _int(p, "limit") or 10
        return {"object": "list", "url": f"/v1/{object_name}s", "has_more": len(rows) > limit,
                "data": [self._render(o) for o in rows[:limit]]}

    def _find(self, object_id: str, object_name: str, param: str = "id") -> dict:
        obj = self.objects.get(object_id)
        if obj is None or obj["object"] != object_name:
            raise StripeError(404 if param == "id" else 400, f"No such {object_name}: '{object_id}'",
                              "resource_missing", param)
        return obj

    def _render(self, obj: dict) -> dict:
        if obj["object"] != "invoice":
            return json.loads(json.dumps(obj))
        items = [o for o in self.objects.values() if o["object"] == "invoiceitem" and o["invoice"] == obj["id"]]
        total = sum(i["amount"] for i in items)
        lines = [{"id": f"il_{i['id']}", "object": "line_item", "amount": i["amount"], "currency": i["currency"],
                  "description": i["description"], "metadata": i["metadata"]} for i in items]
        return json.loads(json.dumps({**obj, "subtotal": total, "total": total, "amount_due": total,
                                      "lines": {"object": "list", "data": lines, "has_more": False,
                                                "total_count": len(lines), "url": f"/v1/invoices/{obj['id']}/lines"}}))


def _decode(encoded: str) -> dict:
    """Stripe's form encoding back to nested dicts: `period[start]=1` -> {"period": {"start": "1"}}."""
    result: dict = {}
    for name, value in parse_qsl(encoded, keep_blank_values=True):
        path = re.findall(r"[^\[\]]+", name)
        target = result
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    return result


def _take(faults: list[_Fault], method: str, path: str) -> _Fault | None:
    for fault in faults:
        if fault.times > 0 and fault.method == method and fault.path.fullmatch(path):
            if fault.after > 0:
                fault.after -= 1
                continue
            fault.times -= 1
            return fault
    return None


def _allow(p: dict, *names: str) -> None:
    for name in p:
        if name not in names:
            raise StripeError(400, f"Received unknown parameter: {name}", "parameter_unknown", name)


def _required(p: dict, name: str) -> str:
    if not p.get(name):
        raise StripeError(400, f"Missing required param: {name}.", "parameter_missing", name)
    return p[name]


def _int(p: dict, name: str) -> int | None:
    if name not in p:
        return None
    if not re.fullmatch(r"-?\d+", p[name]):
        raise StripeError(400, f"Invalid integer: {p[name]}", "parameter_invalid_integer", name)
    return int(p[name])


def _bool(p: dict, name: str, default: bool) -> bool:
    if name not in p:
        return default
    if p[name] not in ("true", "false"):
        raise StripeError(400, f"Invalid boolean: {p[name]}", "parameter_invalid_boolean", name)
    return p[name] == "true"
