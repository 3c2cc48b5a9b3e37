"""Vietnamese date formats (Nghị định 30/2020) and the Asia/Ho_Chi_Minh zone."""
from datetime import UTC, date, datetime

from commentflow.core.dates import (
    format_iso,
    format_letter_date,
    format_short_date,
    format_short_datetime,
    local_today,
)

VN = "Asia/Ho_Chi_Minh"


def test_letter_date_pads_day_and_only_january_and_february():
    assert format_letter_date(date(2024, 7, 2), "Kiên Giang") == \
        "Kiên Giang, ngày 02 tháng 7 năm 2024"
    assert format_letter_date(date(2025, 1, 15)) == "ngày 15 tháng 01 năm 2025"
    assert format_letter_date(date(2025, 2, 9)) == "ngày 09 tháng 02 năm 2025"
    assert format_letter_date(date(2025, 12, 31)) == "ngày 31 tháng 12 năm 2025"


def test_short_formats_in_local_time():
    assert format_short_date(date(2024, 7, 2)) == "02/07/2024"
    # 10:00 UTC is 17:00 in Hồ Chí Minh City (UTC+7, no daylight saving).
    assert format_short_datetime(datetime(2024, 7, 2, 10, 0, tzinfo=UTC), VN) == "02/07/2024 17:00"
    assert format_iso(datetime(2024, 7, 2, 10, 0, tzinfo=UTC), VN) == "2024-07-02T17:00:00+07:00"


def test_local_today_turns_at_local_midnight():
    assert local_today(datetime(2024, 12, 31, 16, 59, tzinfo=UTC), VN) == date(2024, 12, 31)
    assert local_today(datetime(2024, 12, 31, 17, 0, tzinfo=UTC), VN) == date(2025, 1, 1)
