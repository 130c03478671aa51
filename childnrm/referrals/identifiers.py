"""The child's identifiers a referrer may know: the NHS number, checked and kept as 10 digits.

One check for every way a referral comes in (the web journey's child section and the API's `child.nhs_number`):
each caller words the refusal in its own way, from the problem named here.

An NHS number is 10 digits; the last is a check digit (modulus 11): the first nine digits are weighted 10 down
to 2 and summed, the check digit is 11 less the remainder of the sum divided by 11, 11 becoming 0, and no valid
number has a check digit of 10 (NHS Data Dictionary, "NHS NUMBER"). People write it in groups ("943 476 5919") or
with hyphens; it is kept without them.
"""

from __future__ import annotations

import enum
import re

NHS_NUMBER_DIGITS = 10
_SEPARATORS = re.compile(r"[\s-]+")


class NhsNumberProblem(enum.Enum):
    FORMAT = "format"  # not 10 digits (other characters, too few or too many)
    CHECK_DIGIT = "check_digit"  # 10 digits, but the last is not their check digit


class InvalidNhsNumber(ValueError):
    def __init__(self, problem: NhsNumberProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit of nine digits; None when no NHS number begins with them (the check would be 10)."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def nhs_number_normalised(value: str) -> str:
    """The NHS number as 10 digits, spaces and hyphens taken out; "" when nothing is given.

    Raises InvalidNhsNumber naming the problem: FORMAT when it is not 10 digits, CHECK_DIGIT when the check fails.
    """
    digits = _SEPARATORS.sub("", value)
    if not digits:
        return ""
    if not re.fullmatch(rf"[0-9]{{{NHS_NUMBER_DIGITS}}}", digits):
        raise InvalidNhsNumber(NhsNumberProblem.FORMAT)
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise InvalidNhsNumber(NhsNumberProblem.CHECK_DIGIT)
    return digits


def nhs_number_shown(digits: str) -> str:
    """As people read it: 3, 3 and 4 digits ("943 476 5919"); anything else as it is."""
    if len(digits) != NHS_NUMBER_DIGITS:
        return digits
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
