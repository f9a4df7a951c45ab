"""The embedded stack for newcomers and tests: PostgreSQL, a Kafka-protocol broker and an SMTP sink."""
