"""The event contract between the mtrack services: envelope, payload types, topics, codec."""

from shared.events.codec import DecodeError, decode, encode, record_key
from shared.events.envelope import Envelope, new_envelope
from shared.events.topics import Topics
from shared.events.types import (
    EVENT_TYPES,
    AlertPayload,
    MilestoneDeclared,
    MilestoneDueSoon,
    MilestoneOverdue,
    MilestoneRescheduled,
    MilestoneStatusReported,
    MilestoneWithdrawn,
    Payload,
    TargetModel,
)

__all__ = [
    "EVENT_TYPES",
    "AlertPayload",
    "DecodeError",
    "Envelope",
    "MilestoneDeclared",
    "MilestoneDueSoon",
    "MilestoneOverdue",
    "MilestoneRescheduled",
    "MilestoneStatusReported",
    "MilestoneWithdrawn",
    "Payload",
    "TargetModel",
    "Topics",
    "decode",
    "encode",
    "new_envelope",
    "record_key",
]
