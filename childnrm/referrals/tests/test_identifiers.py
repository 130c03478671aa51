"""The NHS number check (referrals.identifiers): 10 digits, modulus 11 check digit, kept without spaces."""

from __future__ import annotations

import pytest

from childnrm.referrals.identifiers import (
    InvalidNhsNumber,
    NhsNumberProblem,
    nhs_check_digit,
    nhs_number_normalised,
    nhs_number_shown,
)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("9434765919", "9434765919"),
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        (" 943  476\t5919 ", "9434765919"),
        ("1000000060", "1000000060"),  # the check works out as 11, which is 0
        ("", ""),
        ("   ", ""),
    ],
)
def test_a_valid_nhs_number_is_kept_as_its_ten_digits(typed, kept):
    assert nhs_number_normalised(typed) == kept


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("943 476 591", NhsNumberProblem.FORMAT),  # 9 digits
        ("94347659190", NhsNumberProblem.FORMAT),  # 11 digits
        ("943 476 591O", NhsNumberProblem.FORMAT),  # a letter O for a zero
        ("943.476.5919", NhsNumberProblem.FORMAT),  # only spaces and hyphens are taken out
        ("９４３４７６５９１９", NhsNumberProblem.FORMAT),  # other scripts' digits are not NHS numbers
        ("943 476 5918", NhsNumberProblem.CHECK_DIGIT),
        ("485 777 3456", NhsNumberProblem.CHECK_DIGIT),  # the GOV.UK/NHS example, not a real number
        ("1000000010", NhsNumberProblem.CHECK_DIGIT),  # the check works out as 10: no number begins so
    ],
)
def test_an_invalid_nhs_number_names_its_problem(typed, problem):
    with pytest.raises(InvalidNhsNumber) as refused:
        nhs_number_normalised(typed)
    assert refused.value.problem is problem


def test_the_check_digit_is_modulus_11_over_the_first_nine_digits_weighted_10_to_2():
    # 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299; 299 mod 11 = 2; 11 - 2 = 9.
    assert nhs_check_digit("943476591") == 9
    assert nhs_check_digit("100000006") == 0
    assert nhs_check_digit("100000001") is None


def test_an_nhs_number_is_shown_in_groups_of_3_3_and_4():
    assert nhs_number_shown("9434765919") == "943 476 5919"
    assert nhs_number_shown("") == ""
