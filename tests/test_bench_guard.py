"""The benchmark's regression guard flags a page whose CPU per request moved by more than a quarter."""

from __future__ import annotations

from bench import guard


def test_changes_beyond_a_quarter_either_way_are_flagged_and_new_pages_are_not(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "BASELINES", tmp_path)
    guard.record("scale", {"Child record": 20.0, "Queue": 10.0, "Dashboard": 40.0}, commit="abc", load_average="0.5")
    text, flagged = guard.report("scale", {"Child record": 26.0, "Queue": 12.4, "Dashboard": 29.0, "Plan": 5.0})
    lines = {line.split("  ")[0].strip(): line for line in text.splitlines()[2:-1]}
    assert "+30%" in lines["Child record"] and "CHANGED" in lines["Child record"]
    assert "+24%" in lines["Queue"] and "CHANGED" not in lines["Queue"]
    assert "-28%" in lines["Dashboard"] and "CHANGED" in lines["Dashboard"]
    assert "new" in lines["Plan"] and "CHANGED" not in lines["Plan"]
    assert flagged == 2
    assert "commit abc" in text


def test_without_a_recorded_baseline_it_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "BASELINES", tmp_path)
    text, flagged = guard.report("nothing", {"Child record": 20.0})
    assert flagged == 0 and "--record" in text
