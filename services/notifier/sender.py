"""Sends one message over SMTP."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from shared.settings import SmtpSettings


async def send(message: EmailMessage, settings: SmtpSettings) -> None:
    await aiosmtplib.send(
        message,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        start_tls=settings.smtp_starttls,
        timeout=15,
    )
