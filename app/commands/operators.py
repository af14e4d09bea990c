"""`hotline operators add|list|disable`: accounts of the operator console (/console/)."""

from __future__ import annotations

import asyncio
from typing import Any

from console.accounts import AccountError, AccountStore, Role
from hotline.cases.setup import open_case_store
from hotline.settings import get_settings


def register(subparsers: Any) -> None:
    operators = subparsers.add_parser("operators", help="operator console accounts")
    actions = operators.add_subparsers(dest="operators_command", required=True)
    add = actions.add_parser(
        "add", help="create an account; prints a one-time password and a TOTP secret"
    )
    add.add_argument("name")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.OPERATOR.value)
    add.set_defaults(handler=lambda args: asyncio.run(add_account(args.name, Role(args.role))))
    actions.add_parser("list", help="accounts, roles and states").set_defaults(
        handler=lambda args: asyncio.run(list_accounts())
    )
    disable = actions.add_parser("disable", help="stop an account from signing in")
    disable.add_argument("name")
    disable.set_defaults(handler=lambda args: asyncio.run(disable_account(args.name)))


async def add_account(name: str, role: Role) -> int:
    store = await open_case_store(get_settings())
    try:
        created = await AccountStore(store).create(name, role, by="cli")
    except AccountError as exc:
        print(f"cannot add the account: {exc}")
        return 1
    finally:
        await store.dispose()
    print(f"password: {created.password}")
    print(f"totp-secret: {created.totp_secret}")
    return 0


async def list_accounts() -> int:
    store = await open_case_store(get_settings())
    try:
        accounts = await AccountStore(store).list()
    finally:
        await store.dispose()
    now = store.now()
    print(f"{'name':<32} {'role':<10} {'state':<16} last login")
    for account in accounts:
        if account.disabled:
            state = "disabled"
        elif account.locked_until is not None and account.locked_until > now:
            state = "locked"
        elif account.must_change_password:
            state = "new password due"
        else:
            state = "active"
        last = account.last_login_at.strftime("%Y-%m-%d %H:%M") if account.last_login_at else "-"
        print(f"{account.username:<32} {account.role.value:<10} {state:<16} {last}")
    print(f"{len(accounts)} accounts")
    return 0


async def disable_account(name: str) -> int:
    store = await open_case_store(get_settings())
    try:
        done = await AccountStore(store).set_disabled(name.lower(), True, by="cli")
    finally:
        await store.dispose()
    if not done:
        print(f"no account named {name!r}")
        return 1
    print(f"{name} can no longer sign in (sessions end at their next request)")
    return 0
