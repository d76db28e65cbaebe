"""fields.ts of the SDK: typed reads of one JSON object that record the first problem by its path."""

from billing_dagster.domain.reference.numbers import Decimal


class Failure:
    __slots__ = ("message",)

    def __init__(self):
        self.message: str | None = None

    def set(self, message: str) -> None:
        if self.message is None:
            self.message = message

    @property
    def failed(self) -> bool:
        return self.message is not None


_ABSENT = object()


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Fields:
    """fields.ts: typed reads of one JSON object that record the first problem by its path."""

    __slots__ = ("obj", "path", "failure")

    def __init__(self, obj: dict | None, path: str, failure: Failure):
        self.obj, self.path, self.failure = obj, path, failure

    @property
    def present(self) -> bool:
        return self.obj is not None

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, problem: str) -> None:
        self.failure.set(f"{self.at(key)}: {problem}")

    def raw(self, key: str):
        return _ABSENT if self.obj is None else self.obj.get(key, _ABSENT)

    def has(self, key: str) -> bool:
        value = self.raw(key)
        return value is not _ABSENT and value is not None

    def _required(self, key: str):
        value = self.raw(key)
        if value is _ABSENT:
            self.fail(key, "missing")
        return value

    def string(self, key: str) -> str:
        value = self._required(key)
        if value is _ABSENT:
            return ""
        if not isinstance(value, str):
            self.fail(key, "must be a string")
            return ""
        return value

    def string_or_null(self, key: str) -> str | None:
        value = self._required(key)
        return None if value is _ABSENT or value is None else self.string(key)

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = self.string(key)
        if self.failure.failed or value in options:
            return value
        self.fail(key, "must be one of " + ", ".join(options))
        return ""

    def integer(self, key: str) -> int:
        value = self._required(key)
        if value is _ABSENT:
            return 0
        if not _is_int(value):
            self.fail(key, "must be an integer")
            return 0
        return value

    def boolean(self, key: str) -> bool:
        value = self._required(key)
        if value is _ABSENT:
            return False
        if not isinstance(value, bool):
            self.fail(key, "must be a boolean")
            return False
        return value

    def decimal_text(self, key: str) -> str:
        text = self.string(key)
        if self.failure.failed:
            return "0"
        if Decimal.parse(text) is None:
            self.fail(key, 'must be a decimal string like "12.5"')
            return "0"
        return text

    def decimal(self, key: str) -> Decimal:
        """decimal_text then parse, as the SDK does, parsing once."""
        text = self.string(key)
        if self.failure.failed:
            return Decimal(0)
        value = Decimal.parse(text)
        if value is None:
            self.fail(key, 'must be a decimal string like "12.5"')
            return Decimal(0)
        return value

    def decimal_or_null(self, key: str) -> Decimal | None:
        value = self._required(key)
        return None if value is _ABSENT or value is None else self.decimal(key)

    def object(self, key: str) -> "Fields":
        value = self._required(key)
        if value is not _ABSENT and not isinstance(value, dict):
            self.fail(key, "must be an object")
        return self.optional_object(key)

    def optional_object(self, key: str) -> "Fields":
        value = self.raw(key)
        return Fields(value if isinstance(value, dict) else None, self.at(key), self.failure)

    def objects(self, key: str) -> list["Fields"]:
        value = self._required(key)
        if value is _ABSENT:
            return []
        if not isinstance(value, list):
            self.fail(key, "must be an array")
            return []
        items = []
        for index, item in enumerate(value):
            path = f"{self.at(key)}[{index}]"
            if not isinstance(item, dict):
                self.failure.set(f"{path}: must be an object")
                return items
            items.append(Fields(item, path, self.failure))
        return items
