"""The event contract between the mtrack services: envelope, payload types, topics, codec."""

from shared.events.codec import DecodeError, decode, encode, record_key
from shared.events.envelope import Envelope, new_envelope
from shared.events.topics import Topics
from shared.events.types import (
    ALERT_TYPES,
    EVENT_TYPES,
    AlertPayload,
    MilestoneAcknowledged,
    MilestoneDeclared,
    MilestoneDueSoon,
    MilestoneEscalated,
    MilestoneOverdue,
    MilestoneRescheduled,
    MilestoneSnoozed,
    MilestoneStatusReported,
    MilestoneUpdateRequested,
    MilestoneWithdrawn,
    Payload,
    TargetModel,
)

__all__ = [
    "ALERT_TYPES",
    "EVENT_TYPES",
    "AlertPayload",
    "DecodeError",
    "Envelope",
    "MilestoneAcknowledged",
    "MilestoneDeclared",
    "MilestoneDueSoon",
    "MilestoneEscalated",
    "MilestoneOverdue",
    "MilestoneRescheduled",
    "MilestoneSnoozed",
    "MilestoneStatusReported",
    "MilestoneUpdateRequested",
    "MilestoneWithdrawn",
    "Payload",
    "TargetModel",
    "Topics",
    "decode",
    "encode",
    "new_envelope",
    "record_key",
]
