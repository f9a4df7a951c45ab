"""The one error extraction raises: a reason an officer can act on (shown as the 422 detail)."""

from __future__ import annotations


class ExtractionError(ValueError):
    """The document cannot be read: corrupt, encrypted, unsupported, or over a resource bound."""
