"""`billing-dagster tax set-region FILE` and `tax show REGION`: validated, all-or-nothing, errors name the field."""

import json
from decimal import Decimal

import pytest

from billing_dagster.cli import main
from billing_dagster.store.tax_store import region_specs

TOML = '''
code = "US-XS"
name = "X state sales tax"
rate = "0.0825"

[[components]]
name = "State"
jurisdiction = "US-XS"
rate = "0.06"
effective_to = "2026-02-15T00:00:00Z"

[[components]]
name = "State"
jurisdiction = "US-XS"
rate = "0.0625"
effective_from = "2026-02-15T00:00:00Z"

[[components]]
name = "Surcharge"
jurisdiction = "US-XS"
rate = "0.01"
compound = true
'''


def _stored(engine, code="US-XS"):
    from sqlalchemy.orm import Session
    with Session(engine) as s:
        return region_specs(s, [code]).get(code)


def test_set_region_from_toml_then_show_it(billing_env, engine, tmp_path, capsys):
    (tmp_path / "xs.toml").write_text(TOML)
    assert main(["tax", "set-region", str(tmp_path / "xs.toml")]) == 0
    assert "tax region US-XS set: 3 component(s)" in capsys.readouterr().out
    region = _stored(engine)
    assert (region.name, region.rate) == ("X state sales tax", Decimal("0.0825"))
    assert [(c.name, c.rate, c.compound, c.effective_from is not None, c.effective_to is not None)
            for c in region.components] == [("State", Decimal("0.06"), False, False, True),
                                             ("State", Decimal("0.0625"), False, True, False),
                                             ("Surcharge", Decimal("0.01"), True, False, False)]
    assert main(["tax", "show", "US-XS"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0] == "US-XS  X state sales tax  rate 0.0825" and len(table) == 5
    assert "2026-02-15T00:00:00Z" in table[2] and "yes" in table[4]


def test_show_json_reads_back_through_set_region(billing_env, engine, tmp_path, capsys):
    (tmp_path / "xs.toml").write_text(TOML)
    assert main(["tax", "set-region", str(tmp_path / "xs.toml")]) == 0
    capsys.readouterr()
    assert main(["tax", "show", "US-XS", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["components"][2] == {"name": "Surcharge", "jurisdiction": "US-XS", "rate": "0.01",
                                         "compound": True}
    document["components"] = document["components"][2:]  # replace: only the surcharge is left
    (tmp_path / "xs.json").write_text(json.dumps(document))
    assert main(["tax", "set-region", str(tmp_path / "xs.json")]) == 0
    assert [c.name for c in _stored(engine).components] == ["Surcharge"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.replace('rate = "0.06"', "rate = 0.06"), "components[0].rate: must be a decimal string"),
    (lambda t: t.replace('rate = "0.06"', 'rate = "-0.06"'), "components[0].rate: must be a non-negative decimal"),
    (lambda t: t.replace('effective_to = "2026-02-15T00:00:00Z"', "effective_to = 2026-02-15T00:00:00"),
     "components[0].effective_to: a UTC instant needs its offset"),
    (lambda t: t.replace('effective_to = "2026-02-15T00:00:00Z"', 'effective_to = "2026-02-16T00:00:00Z"'),
     "components[1]: State (US-XS) is in effect together with components[0]"),
    (lambda t: t.replace('effective_from = "2026-02-15T00:00:00Z"', 'effective_from = "2026-02-15"'),
     "components[1].effective_from: String should match pattern"),
    (lambda t: t.replace('jurisdiction = "US-XS"\nrate = "0.01"', 'rate = "0.01"'),
     "components[2].jurisdiction: Field required"),
    (lambda t: t.replace("compound = true", "compound = true\ncompund = true"), "components[2].compund: Extra inputs"),
    (lambda t: t.replace('code = "US-XS"', 'code = "US XS"'), "code: String should match pattern"),
    (lambda t: t.replace('[[components]]', '[[components', 1), "xs.toml is not valid TOML"),
])
def test_an_invalid_file_changes_nothing_and_names_the_field(billing_env, engine, tmp_path, capsys, change, message):
    (tmp_path / "xs.toml").write_text(TOML)
    assert main(["tax", "set-region", str(tmp_path / "xs.toml")]) == 0
    (tmp_path / "xs.toml").write_text(change(TOML).replace('name = "X state sales tax"', 'name = "Renamed"'))
    capsys.readouterr()
    assert main(["tax", "set-region", str(tmp_path / "xs.toml")]) == 1
    err = capsys.readouterr().err
    assert message in err and err.rstrip().endswith("nothing was changed")
    region = _stored(engine)
    assert region.name == "X state sales tax" and len(region.components) == 3


def test_toml_date_times_are_instants(billing_env, engine, tmp_path):
    (tmp_path / "xs.toml").write_text(TOML.replace('"2026-02-15T00:00:00Z"', "2026-02-15T01:00:00+01:00"))
    assert main(["tax", "set-region", str(tmp_path / "xs.toml")]) == 0
    assert _stored(engine).components[0].effective_to.isoformat() == "2026-02-15T00:00:00+00:00"


def test_show_an_unknown_region_exits_2(billing_env, engine, capsys):
    assert main(["tax", "show", "NOPE"]) == 2
    assert "no tax region 'NOPE'" in capsys.readouterr().err


def test_an_unmigrated_database_exits_1_with_its_reason(billing_env, capsys):
    assert main(["tax", "show", "US-XS"]) == 1
    assert "billing-dagster migrate" in capsys.readouterr().err
