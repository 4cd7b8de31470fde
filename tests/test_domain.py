"""Deadlines, SLAs and kinds: the rules of docs/domain."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hme_rpa.config import Config, ConfigError
from hme_rpa.business_days import public_holidays
from queue_server.domain.deadlines import DEFAULT_CALENDAR, BusinessCalendar, add_months, compute_deadline
from queue_server.domain.kinds import KINDS, Kind, PayerType, Team


def test_every_kind_has_a_spec_with_outcomes() -> None:
    assert set(KINDS) == set(Kind)
    for kind, spec in KINDS.items():
        assert spec.kind is kind
        assert spec.outcomes, kind
        codes = [o.code for o in spec.outcomes]
        assert len(codes) == len(set(codes)), kind


def test_denials_belong_to_the_denials_team_with_a_two_business_day_sla() -> None:
    assert KINDS[Kind.DENIAL].team is Team.DENIALS
    assert KINDS[Kind.DENIAL].sla_business_days == 2
    assert KINDS[Kind.PORTAL_FAILURE].team is Team.RPA_ADMIN
    assert KINDS[Kind.CMN_INVALID].team is Team.DOCUMENTATION


def test_medicare_appeal_limit_is_remittance_date_plus_5_plus_120_days() -> None:
    d = compute_deadline(Kind.DENIAL, PayerType.MEDICARE, service_date=dt.date(2026, 1, 5),
                         remittance_date=dt.date(2026, 3, 1), reason_codes=["CO-50"])
    assert d.date == dt.date(2026, 3, 1) + dt.timedelta(days=125)
    assert "appeal" in d.rule


def test_unprocessable_denial_is_bounded_by_timely_filing_not_appeal() -> None:
    d = compute_deadline(Kind.DENIAL, PayerType.MEDICARE, service_date=dt.date(2026, 1, 31),
                         remittance_date=dt.date(2026, 3, 1), reason_codes=["CO-16", "MA130"])
    assert d.date == dt.date(2027, 1, 31)
    assert "timely filing" in d.rule


def test_timely_filing_denial_has_no_deadline() -> None:
    d = compute_deadline(Kind.DENIAL, PayerType.MEDICARE, service_date=dt.date(2025, 1, 5),
                         remittance_date=dt.date(2026, 3, 1), reason_codes=["CO29"])
    assert d.date is None


def test_claim_not_on_file_uses_timely_filing_per_payer_type() -> None:
    dos = dt.date(2026, 2, 28)
    assert compute_deadline(Kind.CLAIM_NOT_ON_FILE, PayerType.MEDICARE, service_date=dos,
                            remittance_date=None).date == dt.date(2027, 2, 28)
    assert compute_deadline(Kind.CLAIM_NOT_ON_FILE, PayerType.COMMERCIAL, service_date=dos,
                            remittance_date=None).date == dos + dt.timedelta(days=90)


def test_cash_posting_kinds_have_no_payer_deadline() -> None:
    d = compute_deadline(Kind.UNMATCHED_PAYMENT, PayerType.MEDICARE, service_date=dt.date(2026, 1, 1),
                         remittance_date=dt.date(2026, 2, 1))
    assert d.date is None


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)


NEW_YORK = ZoneInfo("America/New_York")


def test_business_days_skip_weekends() -> None:
    friday = dt.datetime(2026, 11, 20, 15, 0, tzinfo=NEW_YORK)
    assert DEFAULT_CALENDAR.add(friday, 2) == dt.datetime(2026, 11, 24, 15, 0, tzinfo=NEW_YORK)


def test_business_days_skip_federal_holidays_as_observed() -> None:
    # 2026: Thanksgiving is Thursday Nov 26; July 4 is a Saturday, kept on Friday July 3.
    # 2027: Christmas and Juneteenth fall on Saturdays (kept Dec 24, June 18). 2022: New Year's Day was a
    # Saturday, kept on Friday Dec 31, 2021 (a day of the year before).
    assert {dt.date(2026, 11, 26), dt.date(2026, 7, 3), dt.date(2026, 1, 19), dt.date(2026, 5, 25),
            dt.date(2026, 9, 7), dt.date(2026, 10, 12), dt.date(2026, 2, 16)} <= public_holidays(2026)
    assert {dt.date(2027, 12, 24), dt.date(2027, 6, 18), dt.date(2027, 11, 25)} <= public_holidays(2027)
    assert dt.date(2026, 7, 4) not in public_holidays(2026) and len(public_holidays(2026)) == 11
    assert not DEFAULT_CALENDAR.is_open(dt.date(2021, 12, 31))
    assert DEFAULT_CALENDAR.is_open(dt.date(2026, 11, 27))  # the day after Thanksgiving is the supplier's to close
    wednesday = dt.datetime(2026, 11, 25, 15, 0, tzinfo=NEW_YORK)
    assert DEFAULT_CALENDAR.add(wednesday, 2) == dt.datetime(2026, 11, 30, 15, 0, tzinfo=NEW_YORK)
    assert DEFAULT_CALENDAR.between(dt.date(2026, 11, 20), dt.date(2026, 11, 30)) == 5
    assert DEFAULT_CALENDAR.between(dt.date(2026, 12, 31), dt.date(2027, 1, 4)) == 1  # Jan 1 shut, then Jan 4
    weekends_only = BusinessCalendar(NEW_YORK, federal_holidays=False)
    assert weekends_only.add(wednesday, 2) == dt.datetime(2026, 11, 27, 15, 0, tzinfo=NEW_YORK)
    assert weekends_only.between(dt.date(2026, 11, 20), dt.date(2026, 11, 30)) == 6


def test_the_suppliers_own_closed_days_count_as_closed() -> None:
    shut = BusinessCalendar(NEW_YORK, closed=frozenset({dt.date(2026, 11, 27), dt.date(2026, 11, 28)}))
    wednesday = dt.datetime(2026, 11, 25, 15, 0, tzinfo=NEW_YORK)
    assert shut.add(wednesday, 2) == dt.datetime(2026, 12, 1, 15, 0, tzinfo=NEW_YORK)
    # A closed Saturday is not taken off twice.
    assert shut.between(dt.date(2026, 11, 20), dt.date(2026, 11, 30)) == 4
    assert shut.add_days(dt.date(2026, 11, 25), 1) == dt.date(2026, 11, 30)


def test_business_days_count_on_the_suppliers_clock() -> None:
    # Friday 9 pm in New York is Saturday 2 am in UTC: two business days on are Tuesday 9 pm New York time,
    # not Monday (counting from the UTC Saturday loses the Friday's own evening).
    friday_evening = dt.datetime(2026, 11, 21, 2, 0, tzinfo=dt.timezone.utc)
    assert DEFAULT_CALENDAR.add(friday_evening, 2) == dt.datetime(2026, 11, 24, 21, 0, tzinfo=NEW_YORK)
    pacific = BusinessCalendar(ZoneInfo("America/Los_Angeles"))
    assert pacific.add(friday_evening, 2) == dt.datetime(2026, 11, 24, 18, 0, tzinfo=ZoneInfo("America/Los_Angeles"))


def test_closed_days_are_read_from_the_environment() -> None:
    config = Config.from_env(env={"HME_CLOSED_DAYS": "2026-11-27, 2026-12-24", "HME_TIMEZONE": "America/Chicago"})
    calendar = config.business_calendar
    assert calendar.closed == {dt.date(2026, 11, 27), dt.date(2026, 12, 24)} and calendar.federal_holidays
    assert calendar.tz == ZoneInfo("America/Chicago")
    assert Config.from_env(env={"HME_HOLIDAYS": "none"}).business_calendar.is_open(dt.date(2026, 11, 26))
    with pytest.raises(ConfigError, match="HME_CLOSED_DAYS: '11/27/2026'"):
        Config.from_env(env={"HME_CLOSED_DAYS": "11/27/2026"})
    with pytest.raises(ConfigError, match="HME_HOLIDAYS must be us-federal, us- and a state's two letters"):
        Config.from_env(env={"HME_HOLIDAYS": "uk"})
    with pytest.raises(ConfigError, match="HME_HOLIDAYS must be"):
        Config.from_env(env={"HME_HOLIDAYS": "us-zz"})
    # A supplier in Massachusetts closes on Patriots' Day (third Monday of April) as well.
    patriots_day = dt.date(2026, 4, 20)
    assert DEFAULT_CALENDAR.is_open(patriots_day)
    massachusetts = Config.from_env(env={"HME_HOLIDAYS": "us-ma"}).business_calendar
    assert not massachusetts.is_open(patriots_day) and not massachusetts.is_open(dt.date(2026, 11, 26))
    assert massachusetts.between(dt.date(2026, 4, 17), dt.date(2026, 4, 21)) == 1


def test_config_reads_environment_and_rejects_bad_values(tmp_path: object) -> None:
    config = Config.from_env(env={"HME_LEASE_MINUTES": "7", "HME_COOKIE_SECURE": "no",
                                  "HME_DATA_DIR": "/srv/hme"})
    assert config.lease_minutes == 7 and config.cookie_secure is False
    assert config.database_url == "sqlite:////srv/hme/hme-rpa.sqlite3"
    with pytest.raises(ConfigError, match="HME_LEASE_MINUTES"):
        Config.from_env(env={"HME_LEASE_MINUTES": "soon"})
    with pytest.raises(ConfigError, match="HME_TIMEZONE"):
        Config.from_env(env={"HME_TIMEZONE": "Mars/Olympus"})
    with pytest.raises(ConfigError, match="unknown setting"):
        Config.from_env(env={}, lease_minute=3)


def test_payer_codes_come_with_their_words() -> None:
    from queue_server.domain import codes

    assert codes.with_words("CO-16") == "CO-16 (lacks information or billing error; unprocessable)"
    assert codes.with_words("MA130").startswith("MA130 (incomplete or invalid claim")
    assert codes.with_words("F4") == "F4 (finalized: adjudicated, no payment forthcoming)"
    assert codes.with_words("co45") == "co45 (charge exceeds the fee schedule)"
    assert codes.with_words("ZZ9") == "ZZ9"  # unknown: the code alone, nothing made up
    # A CMN's or a remittance's problems, as the readers name them, in words too.
    assert codes.with_words("TEST_NOT_QUALIFYING").startswith("TEST_NOT_QUALIFYING (the oxygen test result meets")
    assert codes.with_words("UNBALANCED_LINE").startswith("UNBALANCED_LINE (a service line's billed less")
