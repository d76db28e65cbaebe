"""Tenant API keys: `billing-dagster api-keys create|list|revoke`, stored hashed, checked in constant time."""

import hashlib
import json

import pytest
from sqlalchemy import select

from api_service import seed_tenants
from billing_dagster.cli import main
from billing_dagster.store import api_keys
from billing_dagster.store import models as m


@pytest.fixture
def tenants(engine, billing_env):
    seed_tenants(engine, "acme", "globex")
    return engine


def _create(capsys, *args) -> tuple[int, str, str]:
    code = main(["api-keys", "create", *args])
    out = capsys.readouterr()
    return code, out.out.strip(), out.err


def test_create_prints_the_key_once_and_stores_only_a_hash_of_its_secret(tenants, capsys):
    code, key, note = _create(capsys, "--tenant", "acme", "--name", "billing-agent")
    assert code == 0 and key.startswith("bdk_") and "printed once" in note
    key_id, secret = key.removeprefix("bdk_").split("_", 1)
    assert len(secret) == 43 and key_id in note
    with tenants.connect() as conn:
        row = conn.execute(select(m.ApiKey)).one()
    assert (row.id, row.tenant_id, row.name) == (key_id, "acme", "billing-agent")
    assert row.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps([str(value) for value in row])
    assert api_keys.authenticate(tenants, key).tenant_id == "acme"


def test_list_shows_keys_never_secrets(tenants, capsys):
    _, acme_key, _ = _create(capsys, "--tenant", "acme")
    _, globex_key, _ = _create(capsys, "--tenant", "globex", "--name", "ci")
    assert main(["api-keys", "list"]) == 0
    table = capsys.readouterr().out
    assert "acme" in table and "globex" in table and "ci" in table
    assert main(["api-keys", "list", "--tenant", "globex", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(k["tenant_id"], k["name"], k["revoked_at"]) for k in listed] == [("globex", "ci", None)]
    assert listed[0]["id"] in globex_key
    for key in (acme_key, globex_key):
        assert key.rsplit("_", 1)[1] not in table + json.dumps(listed)


def test_revoke_refuses_the_key_from_then_on(tenants, capsys):
    _, key, _ = _create(capsys, "--tenant", "acme")
    key_id = api_keys.authenticate(tenants, key).id
    assert main(["api-keys", "revoke", key_id]) == 0
    assert "revoked" in capsys.readouterr().out
    with pytest.raises(api_keys.RevokedKey):
        api_keys.authenticate(tenants, key)
    first = api_keys.list_keys(tenants)[0].revoked_at
    assert main(["api-keys", "revoke", key_id]) == 0  # again: no error, first revocation time kept
    assert api_keys.list_keys(tenants)[0].revoked_at == first


def test_unknown_tenant_or_key_exit_2(tenants, capsys):
    assert main(["api-keys", "create", "--tenant", "nobody"]) == 2
    assert "'nobody' is not in the billing database" in capsys.readouterr().err
    assert main(["api-keys", "revoke", "0123456789abcdef"]) == 2
    assert "no API key with id" in capsys.readouterr().err


def test_an_unmigrated_database_exits_1_with_the_fix(billing_env, capsys):
    assert main(["api-keys", "list"]) == 1
    assert "billing-dagster migrate" in capsys.readouterr().err


@pytest.mark.parametrize("presented", ["", "bdk_", "Bearer x", "bdk_0123456789abcdef_short",
                                       "bdk_0123456789ABCDEF_" + "a" * 43])
def test_malformed_keys_are_invalid(tenants, presented):
    with pytest.raises(api_keys.InvalidKey, match="malformed"):
        api_keys.authenticate(tenants, presented)


def test_a_wrong_secret_or_unknown_id_is_invalid(tenants):
    info, key = api_keys.create_key(tenants, "acme")
    wrong = key[:-1] + ("A" if key[-1] != "A" else "B")
    with pytest.raises(api_keys.InvalidKey, match="invalid API key"):
        api_keys.authenticate(tenants, wrong)
    with pytest.raises(api_keys.InvalidKey, match="invalid API key"):
        api_keys.authenticate(tenants, key.replace(info.id, "f" * 16))


def test_serve_and_api_keys_are_registered(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    usage = capsys.readouterr().out
    assert "serve" in usage and "api-keys" in usage
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "--port" in capsys.readouterr().out
