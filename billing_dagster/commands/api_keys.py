"""`billing-dagster api-keys create|list|revoke`: the tenants' keys for the ingestion API (BILLING_DB_URL)."""

import argparse
import json
import sys

from billing_dagster.commands import exits


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "api-keys", help="create, list or revoke tenant API keys of the ingestion API",
        description="Exit 0 ok, 1 the billing database could not be used, 2 unknown tenant or key id.")
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a key for a tenant and print it (shown this once)")
    create.add_argument("--tenant", required=True, help="the tenant id the key may write events for")
    create.add_argument("--name", help="a label to recognise the key by")
    create.set_defaults(handler=_create)
    listing = actions.add_parser("list", help="list keys (never their secrets)")
    listing.add_argument("--tenant", help="only this tenant's keys")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(handler=_list)
    revoke = actions.add_parser("revoke", help="revoke a key: its requests are refused from now on")
    revoke.add_argument("key_id", metavar="KEY_ID", help="the key's id, as create and list show it")
    revoke.set_defaults(handler=_revoke)


def _engine():
    from billing_dagster.settings import billing_db_url
    from billing_dagster.store.database import make_engine

    return make_engine(billing_db_url())


def _run(action):
    """Run `action(engine)`, turning a database that cannot be used into exit 1 with its reason."""
    from sqlalchemy.exc import SQLAlchemyError

    engine = _engine()
    try:
        return action(engine)
    except SQLAlchemyError as error:
        print(f"api-keys: the billing database could not be used ({type(error).__name__}: "
              f"{str(error).splitlines()[0]}); is it migrated? run billing-dagster migrate", file=sys.stderr)
        return exits.FAILED
    finally:
        engine.dispose()


def _create(args: argparse.Namespace) -> int:
    from billing_dagster.store.api_keys import UnknownTenant, create_key

    def action(engine) -> int:
        try:
            info, key = create_key(engine, args.tenant, args.name)
        except UnknownTenant as error:
            print(f"api-keys create: {error}", file=sys.stderr)
            return exits.MISSING
        print(f"created API key {info.id} for tenant {info.tenant_id}; it is printed once, store it now:",
              file=sys.stderr)
        print(key)
        return exits.OK

    return _run(action)


def _list(args: argparse.Namespace) -> int:
    from billing_dagster.store.api_keys import list_keys

    def action(engine) -> int:
        keys = list_keys(engine, args.tenant)
        if args.json:
            print(json.dumps([key.to_dict() for key in keys], indent=2))
            return exits.OK
        print(f"{'id':<16}  {'tenant':<20}  {'created (UTC)':<19}  {'status':<27}  name")
        for key in keys:
            status = "active" if key.revoked_at is None else f"revoked {key.revoked_at:%Y-%m-%d %H:%M:%S}"
            print(f"{key.id:<16}  {key.tenant_id:<20}  {key.created_at:%Y-%m-%d %H:%M:%S}  {status:<27}  "
                  f"{key.name or ''}")
        return exits.OK

    return _run(action)


def _revoke(args: argparse.Namespace) -> int:
    from billing_dagster.store.api_keys import UnknownKey, revoke_key

    def action(engine) -> int:
        try:
            info = revoke_key(engine, args.key_id)
        except UnknownKey as error:
            print(f"api-keys revoke: {error}", file=sys.stderr)
            return exits.MISSING
        print(f"API key {info.id} of tenant {info.tenant_id} revoked at {info.revoked_at.isoformat()}")
        return exits.OK

    return _run(action)
