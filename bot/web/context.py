"""What every view is handed through the app: the bot's services, the page renderer and
the sign-in throttle, plus the outbox flush that follows a decision."""

from dataclasses import dataclass

from starlette.background import BackgroundTask
from starlette.requests import Request

from bot.app import Services
from bot.notify.outbox.flush import flush_outbox
from bot.web.pages import Pages
from bot.web.throttle import Throttle


@dataclass
class WebContext:
    services: Services
    pages: Pages
    throttle: Throttle

    def send_mail(self) -> BackgroundTask:
        """Send what a decision queued once the page is answered, as the CLI does at once;
        mail that cannot go now waits in the outbox for ``nombot run``."""
        return BackgroundTask(flush_outbox, self.services.engine, self.services.config)


def web_context(request: Request) -> WebContext:
    return request.app.state.web
