"""The three mtrack services: ingest (inbound edge), milestones (stateful core), notifier (outbound edge)."""
