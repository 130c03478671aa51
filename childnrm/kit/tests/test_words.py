"""Lists in running text read as people write them, in English and in Welsh."""

from __future__ import annotations

from django.utils import translation

from childnrm.kit.words import and_list


def test_a_list_in_english():
    assert and_list([]) == ""
    assert and_list(["Ann"]) == "Ann"
    assert and_list(["3", "6"]) == "3 and 6"
    assert and_list(["3", "6", "12", "24"]) == "3, 6, 12 and 24"


def test_a_list_in_welsh_says_ac_before_a_vowel():
    with translation.override("cy"):
        assert and_list(["3", "6", "12"]) == "3, 6 a 12"
        assert and_list(["Ann Jones", "Owen Davies"]) == "Ann Jones ac Owen Davies"
        assert and_list(["Owen Davies", "Ann Jones"]) == "Owen Davies ac Ann Jones"
        assert and_list(["Owen Davies", "Bethan Jones"]) == "Owen Davies a Bethan Jones"
