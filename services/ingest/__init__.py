"""ingest: turns plan documents and API calls into milestone events."""
