"""One parser of mission numbers (core.missions), used by forms, the API, the imports and the funding engine."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from maillon.core import missions
from maillon.core.missions import Mission
from maillon.members.services import clean_missions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", Mission.PREVENTION),
        (" 1 ", Mission.ACCESS),
        ("M4", Mission.CRISIS),
        ("m3-depistage-colorectal", Mission.PREVENTION),
        ("mission 2", Mission.PATHWAYS),
        ("Mission n° 5", Mission.QUALITY),
        ("mission n 6", Mission.SUPPORT),
        (6, Mission.SUPPORT),
        (Mission.ACCESS, Mission.ACCESS),
    ],
)
def test_parse_reads_the_ways_people_write_a_mission(text, expected):
    assert missions.parse(text) == expected


@pytest.mark.parametrize("value", ["7", "0", "M9", "missions", "3-foo", "trois", "١", "", True, 2.0, None])
def test_parse_refuses_what_is_not_a_mission_in_french(value):
    with pytest.raises(ValueError, match="n'est pas un numéro de mission"):
        missions.parse(value)


def test_known_keeps_the_missions_and_drops_the_rest():
    assert missions.known(["3", 1, "1", "x", "9", None]) == [1, 3]
    assert missions.known(None) == []


def test_clean_missions_names_its_field_and_reads_like_parse():
    assert clean_missions(["mission 2", "2", "M5"]) == [2, 5]
    with pytest.raises(ValidationError, match="Missions : « 8 » n'est pas une mission"):
        clean_missions(["1", "8"])


@given(st.integers())
def test_parse_accepts_exactly_the_six_numbers(number):
    if 1 <= number <= 6:
        assert missions.parse(str(number)) == number
    else:
        with pytest.raises(ValueError):
            missions.parse(str(number))
