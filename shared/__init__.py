"""Code the mtrack services share: the event contract, settings, clock, database and Kafka plumbing."""
