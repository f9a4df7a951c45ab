import pytest
from pydantic import ValidationError

from shared.directory import Directory, load_directory


def test_shipped_directory_resolves_names_and_aliases() -> None:
    directory = load_directory()
    assert directory.label("산업 기술정책과") == "tech-policy"
    assert directory.label("기술정책과") == "tech-policy"
    assert directory.label("모르는과") == "other"
    assert directory.labels()[-1] == "other"


def test_addresses_with_header_tricks_are_refused() -> None:
    with pytest.raises(ValidationError):
        Directory.model_validate(
            {"fallback": {"desk": "desk@example.com\r\nBcc: evil@example.com"}, "departments": []}
        )


def test_unknown_keys_and_bad_codes_are_refused() -> None:
    with pytest.raises(ValidationError):
        Directory.model_validate({"fallback": {"desk": "d@example.com"}, "extra": 1})
    with pytest.raises(ValidationError):
        Directory.model_validate(
            {"fallback": {"desk": "d@example.com"}, "departments": [{"code": "Bad Code", "name": "x"}]}
        )
