"""Exit codes shared by the subcommands."""

OK = 0
FAILED = 1  # a module failed, or the input could not be read
MISSING = 2  # a required fact pack or field is missing
CONFLICT = 3  # two steps (or a step and the catalog) disagree on a module version


def for_problems(conflicts: list, missing: list) -> int:
    """A version conflict outranks a missing pack or field."""
    return CONFLICT if conflicts else MISSING if missing else OK
