"""mtrack's command line and the embedded stack a newcomer runs with `make run`."""
