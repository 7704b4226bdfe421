"""Staff accounts of the web interface: created, listed and removed by ``nombot staff``,
checked when someone signs in, and looked up on every request from the session cookie.

Passwords are kept only as argon2id hashes (argon2-cffi); a hash made with older cost
parameters is replaced at the next successful sign-in.
"""

import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.errors import UserError
from bot.reading.addresses import normalise
from bot.store.models import LoginFailure, StaffAccount, utcnow
from bot.text import clean_header
from bot.vocab import StaffRole

HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024


@dataclass(frozen=True)
class StaffMember:
    """Who is signed in, as every page sees it."""

    id: int
    email: str
    name: str
    role: StaffRole

    @property
    def may_decide(self) -> bool:
        return self.role == StaffRole.DECIDER


def _member(row: StaffAccount) -> StaffMember:
    assert row.id is not None
    return StaffMember(row.id, row.email, row.name, StaffRole(row.role))


@cache
def _stand_in_hash() -> str:
    """Checked when an address has no account, so that it takes as long as a wrong password."""
    return HASHER.hash(secrets.token_urlsafe(24))


def account_address(value: str) -> str:
    """A staff member's address, validated and lower-cased, or a UserError."""
    address = normalise(value or "")
    if address is None or address != value.strip().lower():
        raise UserError(f"{value!r} is not an e-mail address")
    return address


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    return password


def add_account(
    engine: Engine, email: str, name: str, role: StaffRole, password: str
) -> StaffAccount:
    """Create an account; a UserError if the address has one already or a value is bad."""
    address = account_address(email)
    display = clean_header(name, 200)
    if not display:
        raise UserError("--name: give the staff member's name")
    row = StaffAccount(
        email=address,
        name=display,
        role=StaffRole(role),
        password_hash=HASHER.hash(check_password(password)),
        session_key=secrets.token_urlsafe(32),
    )
    with Session(engine, expire_on_commit=False) as session:
        session.add(row)
        try:
            session.commit()
        except IntegrityError:
            raise UserError(
                f"{address} already has an account (nombot staff remove it first)"
            ) from None
    return row


def list_accounts(engine: Engine) -> list[StaffAccount]:
    with Session(engine) as session:
        return list(session.exec(select(StaffAccount).order_by(StaffAccount.email)).all())


def remove_account(engine: Engine, email: str) -> None:
    """Delete an account (its open sessions stop working at their next request)."""
    address = email.strip().lower()
    with Session(engine) as session:
        row = session.exec(select(StaffAccount).where(StaffAccount.email == address)).first()
        if row is None:
            raise UserError(f"no staff account {address}")
        session.delete(row)
        session.exec(delete(LoginFailure).where(LoginFailure.email == address))
        session.commit()


def member_for_session(engine: Engine, account_id: object, key: object) -> StaffMember | None:
    """The account a session cookie names, if it still exists with the same session key."""
    if not isinstance(account_id, int) or not isinstance(key, str):
        return None
    with Session(engine) as session:
        row = session.get(StaffAccount, account_id)
        if row is None or not secrets.compare_digest(row.session_key, key):
            return None
        return _member(row)


def verify_password(engine: Engine, email: str, password: str) -> tuple[StaffMember, str] | None:
    """The account and its session key if the password is its own (noting the sign-in)."""
    address = email.strip().lower()
    with Session(engine) as session:
        row = session.exec(select(StaffAccount).where(StaffAccount.email == address)).first()
        stored = row.password_hash if row is not None else _stand_in_hash()
        try:
            HASHER.verify(stored, password[:MAX_PASSWORD_LENGTH])
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if HASHER.check_needs_rehash(row.password_hash):
            row.password_hash = HASHER.hash(password)
        row.last_login_at = utcnow()
        session.add(row)
        session.commit()
        return _member(row), row.session_key
