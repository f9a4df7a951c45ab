import pytest

from shared.db import DEFAULT_STATEMENT_TIMEOUT_MS, session_settings


def test_services_cancel_runaway_statements_by_default() -> None:
    settings = session_settings({})
    assert settings["statement_timeout"] == str(DEFAULT_STATEMENT_TIMEOUT_MS)
    assert int(settings["idle_in_transaction_session_timeout"]) > 0


def test_the_timeout_can_be_turned_off_for_bulk_loads() -> None:
    settings = session_settings({"MTRACK_DB_STATEMENT_TIMEOUT_MS": "0"})
    assert settings == {"statement_timeout": "0", "idle_in_transaction_session_timeout": "0"}


@pytest.mark.parametrize("raw", ["soon", "-1"])
def test_a_bad_timeout_is_refused_with_its_name(raw: str) -> None:
    with pytest.raises(ValueError, match="MTRACK_DB_STATEMENT_TIMEOUT_MS"):
        session_settings({"MTRACK_DB_STATEMENT_TIMEOUT_MS": raw})
