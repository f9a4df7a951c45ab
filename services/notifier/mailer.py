"""Sends one message over SMTP; returns the recipients the server refused while taking the rest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from email.message import EmailMessage

import aiosmtplib

from shared.settings import SmtpSettings

Refused = dict[str, tuple[int, str]]
Send = Callable[[EmailMessage], Awaitable[Refused]]


def smtp_sender(settings: SmtpSettings) -> Send:
    async def send(message: EmailMessage) -> Refused:
        errors, _ = await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            start_tls=settings.smtp_starttls,
            timeout=15,
        )
        return {address: (resp.code, resp.message) for address, resp in errors.items()}

    return send
