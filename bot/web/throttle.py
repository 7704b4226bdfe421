"""Sign-in throttling: after ``[web] login_failures`` refused sign-ins for one account, or
from one client address, within ``login_window_minutes``, further attempts are refused
without looking at the password until the oldest of those failures leaves the window.

Failures are rows of ``login_failure`` (so every process of the web interface counts the
same ones); rows older than a day are deleted as new ones are written.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import Session, select

from bot.config import WebConfig
from bot.store.models import LoginFailure, utcnow

KEEP_FAILURES = timedelta(days=1)


@dataclass(frozen=True)
class Throttle:
    limit: int
    window: timedelta

    @classmethod
    def from_config(cls, web: WebConfig) -> "Throttle":
        return cls(web.login_failures, timedelta(minutes=web.login_window_minutes))

    def retry_after(
        self, engine: Engine, email: str, client: str, now: datetime | None = None
    ) -> timedelta | None:
        """How long until the account and the address may try again, or None: now."""
        now = now or utcnow()
        since = now - self.window
        longest = None
        with Session(engine) as session:
            for column, value in ((LoginFailure.email, email), (LoginFailure.client, client)):
                times = session.exec(
                    select(LoginFailure.at)
                    .where(column == value, LoginFailure.at > since)
                    .order_by(LoginFailure.at.desc())
                    .limit(self.limit)
                ).all()
                if len(times) >= self.limit:
                    wait = min(times) + self.window - now
                    longest = wait if longest is None else max(longest, wait)
        return longest

    def record_failure(self, engine: Engine, email: str, client: str) -> None:
        with Session(engine) as session:
            session.add(LoginFailure(email=email[:320], client=client[:64]))
            session.exec(delete(LoginFailure).where(LoginFailure.at < utcnow() - KEEP_FAILURES))
            session.commit()
