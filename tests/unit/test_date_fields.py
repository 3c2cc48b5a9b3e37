"""Dates and times typed the Vietnamese way, whatever the browser's language."""
from datetime import date, time

import pytest
from werkzeug.datastructures import MultiDict

from commentflow.web.forms import ClockField, DayField, SubForm


class Sample(SubForm):
    day = DayField("Ngày")
    at = ClockField("Giờ")


@pytest.mark.parametrize("typed, expected", [
    ("02/07/2024", date(2024, 7, 2)), ("2/7/2024", date(2024, 7, 2)),
    ("02-07-2024", date(2024, 7, 2)), ("02.07.2024", date(2024, 7, 2)),
    ("2024-07-02", date(2024, 7, 2)), (" 1/7/2025 ", date(2025, 7, 1))])
def test_dates_are_read_day_first(app, typed, expected):
    form = Sample(MultiDict({"day": typed, "at": "17:00"}))
    assert form.validate() and form.day.data == expected


@pytest.mark.parametrize("typed", ["07/32/2024", "13/13/2024", "02/07/24", "hôm nay"])
def test_impossible_dates_are_refused_in_words(app, typed):
    form = Sample(MultiDict({"day": typed, "at": "17:00"}))
    assert not form.validate()
    assert form.day.errors == ["Ngày không hợp lệ (dd/mm/yyyy)."]


@pytest.mark.parametrize("typed, expected", [
    ("17:00", time(17, 0)), ("7:30", time(7, 30)), ("17h00", time(17, 0)), ("17h", time(17))])
def test_times_are_read_on_the_24_hour_clock(app, typed, expected):
    form = Sample(MultiDict({"day": "02/07/2024", "at": typed}))
    assert form.validate() and form.at.data == expected


def test_both_render_as_written_in_vietnam(app):
    form = Sample(data={"day": date(2024, 7, 2), "at": time(17, 5)})
    assert 'value="02/07/2024"' in form.day() and 'type="text"' in form.day()
    assert 'placeholder="dd/mm/yyyy"' in form.day()
    assert 'value="17:05"' in form.at() and 'placeholder="HH:MM"' in form.at()
    assert Sample(MultiDict({"day": "02/07/2024", "at": "5 pm"})).validate() is False
