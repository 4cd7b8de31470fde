"""Deadlines, SLAs and kinds: the rules from shared/domain and the seeds."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hme_rpa.config import Config, ConfigError
from queue_server.domain.deadlines import add_business_days, add_months, compute_deadline
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


def test_business_days_skip_weekends() -> None:
    friday = dt.datetime(2026, 11, 20, 15, 0, tzinfo=ZoneInfo("America/New_York"))
    assert add_business_days(friday, 2) == dt.datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("America/New_York"))


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
