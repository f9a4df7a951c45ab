"""Prometheus metrics of the ingest service (prefix `mtrack_ingest_`)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

EVENTS = Counter("mtrack_ingest_events_total", "Events queued for publication", ["type"])
DOCUMENTS = Counter("mtrack_ingest_documents_total", "Plan documents received", ["outcome"])
PARSE_SECONDS = Histogram("mtrack_ingest_parse_seconds", "Time to parse one plan document")
