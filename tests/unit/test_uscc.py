"""The unified social credit code check, against the published vectors (domain-notes §2.3)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incubation.checks import uscc


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("11500103009283772K", True),  # 重庆市渝中区人民政府办公室
        ("11500000009276281J", True),  # 重庆市经济和信息化委员会
        ("91350100M000100Y43", True),  # the standard's worked example, corrected
        ("91350100M000100Y4Z", False),  # worked example as printed: Z is not in the set
        ("913502000728319549", True),  # a published Xiamen code
        ("913502000728319000", False),  # the same after Excel's 15-digit truncation
        ("91310115MA1H8R7C6D", False),  # a tutorial's made-up example
        ("91350203M0001QAY9B", False),  # an "accepted exception" in public code
    ],
)
def test_published_vectors(code, valid):
    assert uscc.is_valid(code) is valid


def test_expected_check_character_of_worked_example():
    # 1640 mod 31 = 28, so the check value is 3 (domain-notes §2.2)
    assert uscc.expected_check_character("91350100M000100Y4Z") == "3"


def test_shape_rejects_forbidden_letters():
    assert not uscc.has_valid_shape("91350100M000100YOZ")
    assert not uscc.has_valid_shape("9135010")
    assert uscc.has_valid_shape("91350100M000100Y43")


ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.builds(  # right shape, any check character
                lambda a, b, c: a + b + c,
                st.text(alphabet=ALPHABET, min_size=2, max_size=2),
                st.text(alphabet="0123456789", min_size=6, max_size=6),
                st.text(alphabet=ALPHABET, min_size=10, max_size=10),
            ),
            st.text(alphabet=ALPHABET + "IOZSV -", min_size=0, max_size=20),
            st.none(),
            st.integers(),
        ),
        max_size=30,
    )
)
def test_check_characters_at_once_as_one_by_one(codes):
    """The vectorised check gives, code by code, what the per-code rule gives."""
    expected = [
        isinstance(c, str) and uscc.has_valid_shape(c) and not uscc.is_valid(c) for c in codes
    ]
    assert uscc.wrong_check_character(codes).tolist() == expected


def test_check_characters_at_once_on_the_published_vectors():
    codes = ["11500103009283772K", "91350100M000100Y43", "913502000728319000", "A1500103009283772K"]
    assert uscc.wrong_check_character(codes).tolist() == [False, False, True, True]
