"""The notifier's metrics (names per the BRIEF); every series exists at 0 from start-up."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

from shared.clock import Clock
from shared.workdays import WorkingCalendar

MAIL_KINDS = ("digest", "immediate", "escalation")
MAIL_OUTCOMES = ("sent", "retried", "refused", "failed")
WEBHOOK_OUTCOMES = ("delivered", "retried", "dead")
CHANNELS = ("mail", "webhook")

MAILS = Counter("mtrack_mails_total", "Mails by kind and outcome", ["kind", "outcome"])
WEBHOOKS = Counter("mtrack_webhook_deliveries_total", "Webhook delivery attempts by outcome", ["outcome"])
RETRIES = Counter("mtrack_notifier_retries_total", "Deliveries put back for a later attempt", ["channel"])
PENDING = Gauge("mtrack_notifier_pending_items", "Alert items per recipient not yet sent")
OLDEST = Gauge("mtrack_notifier_oldest_pending_age_seconds", "Age of the oldest item not yet sent")
DIGEST_LAST = Gauge("mtrack_digest_last_run_timestamp_seconds", "When the digest job last completed")
# Prometheus knows weekdays but not Korean holidays: the alert on a missing digest reads this instead.
WORKING_DAY = Gauge(
    "mtrack_working_day", "1 when today (Asia/Seoul, the service clock) is a working day, else 0"
)


def watch_working_day(calendar: WorkingCalendar, clock: Clock) -> None:
    """Evaluated at each scrape, so the gauge turns at midnight KST (and follows a pinned clock)."""
    WORKING_DAY.set_function(lambda: float(calendar.is_working_day(clock.today())))


def init_series() -> None:
    for kind in MAIL_KINDS:
        for outcome in MAIL_OUTCOMES:
            MAILS.labels(kind, outcome)
    for outcome in WEBHOOK_OUTCOMES:
        WEBHOOKS.labels(outcome)
    for channel in CHANNELS:
        RETRIES.labels(channel)
