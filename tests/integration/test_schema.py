"""The models and the migrations describe one schema: Alembic's autogenerate, run against a database
migrated to head, finds nothing to change (an index dropped in a migration but still declared on a model,
or the reverse, fails here)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

# each module registers its tables on the metadata
import services.ingest.models
import services.milestones.models
import services.notifier.models  # noqa: F401
import shared.auth
import shared.dead_letters
import shared.outbox  # noqa: F401
from shared.db import Base, make_engine


async def test_the_models_match_the_migrated_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            diffs = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()
    assert diffs == []
