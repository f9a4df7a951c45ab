"""milestones: keeps each milestone's state in PostgreSQL and emits deadline alerts."""
