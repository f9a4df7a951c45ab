"""Webhook deliveries per the Standard Webhooks specification, signed with the spec authors'
`standardwebhooks` library. Retried with exponential backoff on 5xx, 408/429, timeouts and refused
connections for `retry_seconds` after the alert; then dead-lettered (status `dead`, `last_error`, a log
line). URLs come from the directory only, and only http(s)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from standardwebhooks.webhooks import Webhook

from services.notifier.metrics import RETRIES, WEBHOOKS
from services.notifier.models import WebhookDelivery

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)


@dataclass
class WebhookSender:
    sessions: async_sessionmaker  # type: ignore[type-arg]
    retry_seconds: float = 3600.0
    first_backoff: float = 2.0
    timeout: float = 10.0
    client: httpx.AsyncClient | None = None

    async def deliver_due(self) -> int:
        now = datetime.now(UTC)
        async with self.sessions() as session, session.begin():
            leased = list(
                (
                    await session.scalars(
                        select(WebhookDelivery)
                        .where(
                            WebhookDelivery.status == "pending",
                            WebhookDelivery.next_attempt_at <= now,
                            or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now),
                        )
                        .order_by(WebhookDelivery.created_at)
                        .limit(100)
                        .with_for_update(skip_locked=True)
                    )
                ).all()
            )
            for delivery in leased:
                delivery.lease_until = now + LEASE
                delivery.attempts += 1
        for delivery in leased:
            await self._deliver(delivery)
        return len(leased)

    async def _deliver(self, delivery: WebhookDelivery) -> None:
        if urlsplit(delivery.url).scheme not in ("http", "https"):
            await self._dead(delivery, "only http(s) URLs are delivered")
            return
        secret = os.environ.get(delivery.secret_env)
        if not secret:
            await self._dead(delivery, f"the signing secret {delivery.secret_env} is not set")
            return
        sent_at = datetime.now(UTC)
        try:
            signature = Webhook(secret).sign(delivery.id, sent_at, delivery.body)
        except Exception as err:
            await self._dead(delivery, f"the signing secret {delivery.secret_env} is unusable: {err}")
            return
        headers = {
            "content-type": "application/json",
            "webhook-id": delivery.id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": signature,
        }
        client = self.client or httpx.AsyncClient(timeout=self.timeout)
        try:
            response = await client.post(delivery.url, content=delivery.body.encode(), headers=headers)
            status, error = response.status_code, f"HTTP {response.status_code}"
        except httpx.HTTPError as err:
            status, error = None, f"{type(err).__name__}: {err}"
        finally:
            if self.client is None:
                await client.aclose()
        if status is not None and 200 <= status < 300:
            await self._mark(delivery, status="delivered", delivered_at=datetime.now(UTC), last_error=None)
            WEBHOOKS.labels("delivered").inc()
            return
        transient = status is None or status >= 500 or status in (408, 429)
        age = (datetime.now(UTC) - delivery.created_at).total_seconds()
        if not transient or age >= self.retry_seconds:
            why = "refused" if not transient else f"still failing after {age:.0f}s"
            await self._dead(delivery, f"{error} ({why})")
            return
        delay = min(self.first_backoff * 2 ** (delivery.attempts - 1), 600.0)
        await self._mark(
            delivery, next_attempt_at=datetime.now(UTC) + timedelta(seconds=delay), last_error=error[:500]
        )
        WEBHOOKS.labels("retried").inc()
        RETRIES.labels("webhook").inc()

    async def _dead(self, delivery: WebhookDelivery, reason: str) -> None:
        # Until shared/dead_letters.py (helper i7) is merged, the dead-letter record is this row.
        await self._mark(delivery, status="dead", last_error=reason[:500])
        WEBHOOKS.labels("dead").inc()
        log.warning("webhook %s to %s dead-lettered: %s", delivery.id, delivery.subscription, reason)

    async def _mark(self, delivery: WebhookDelivery, **values: object) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery.id)
                .values(lease_until=None, **values)
            )
