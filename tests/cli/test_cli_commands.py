"""The command line keeps its older subcommands beside the module tools."""

import pytest
from sqlalchemy import inspect

from billing_dagster.cli import main
from billing_dagster.store.database import make_engine


def test_every_subcommand_is_registered(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    usage = capsys.readouterr().out
    for name in ("demo", "migrate", "plan-inputs", "rate", "modules", "tax"):
        assert name in usage


def test_migrate_still_works(billing_env, db_url):
    assert main(["migrate"]) == 0
    assert "billing_executions" in inspect(make_engine(db_url)).get_table_names()
