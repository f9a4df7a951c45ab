from services.ingest.revisions import event_id, plan_events


def _item(mid: str, due: str | None, title: str = "과제") -> dict:
    return {
        "id": mid,
        "title": title,
        "section": [],
        "kind": "deadline",
        "starts": None,
        "due": due,
        "owner": "산업기술정책과",
        "target": None,
        "part": "plan",
        "expr": "'25.1분기",
        "line": 1,
    }


def test_first_version_declares_everything() -> None:
    events = plan_events([], [_item("a", "2025-03-31"), _item("b", None)], plan_key="p", version=1)
    assert [(s, p.TYPE) for s, p, _ in events] == [("a", "milestone.declared"), ("b", "milestone.declared")]


def test_revision_reschedules_withdraws_and_declares() -> None:
    before = [_item("a", "2025-03-31"), _item("b", "2025-06-30"), _item("c", "2025-12-31")]
    after = [_item("a", "2025-06-30"), _item("c", "2025-12-31"), _item("d", "2025-09-30")]
    events = plan_events(before, after, plan_key="p", version=2)
    assert sorted((s, p.TYPE) for s, p, _ in events) == [
        ("a", "milestone.rescheduled"),
        ("b", "milestone.withdrawn"),
        ("d", "milestone.declared"),
    ]
    moved = next(p for s, p, _ in events if s == "a")
    assert str(moved.previous_due) == "2025-03-31" and str(moved.due) == "2025-06-30"  # type: ignore[attr-defined]


def test_same_content_means_no_events_and_ids_are_deterministic() -> None:
    items = [_item("a", "2025-03-31")]
    assert plan_events(items, items, plan_key="p", version=2) == []
    assert event_id("p", 1, "a", "milestone.declared") == event_id("p", 1, "a", "milestone.declared")
    assert event_id("p", 1, "a", "milestone.declared") != event_id("p", 2, "a", "milestone.declared")


def test_past_results_are_declared_done_on_their_due_date() -> None:
    item = {**_item("r", "2024-12-31"), "part": "results"}
    ((_, payload, _),) = plan_events([], [item], plan_key="p", version=1)
    assert payload.status == "done" and str(payload.done_date) == "2024-12-31"  # type: ignore[attr-defined]
