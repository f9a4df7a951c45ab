"""Topic names, built once from a prefix so tests and tenants can keep their own."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topics:
    prefix: str = "mtrack"

    @property
    def milestone_events(self) -> str:
        """Facts about plans and milestones, published by ingest."""
        return f"{self.prefix}.milestone-events"

    @property
    def alerts(self) -> str:
        """Deadline alerts, published by milestones through its outbox."""
        return f"{self.prefix}.alerts"

    @property
    def dead_letter(self) -> str:
        """Records no consumer could decode or apply, with the reason."""
        return f"{self.prefix}.dead-letter"

    def all(self) -> tuple[str, ...]:
        return (self.milestone_events, self.alerts, self.dead_letter)
