"""The robots' runtime on its own: vault, one-time codes, retries and the circuit breaker."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bots.errors import BusinessException, PortalDown, PortalUnavailable, VaultError
from bots.runtime import totp
from bots.runtime.guard import Policy, PortalGuard, RetriesExhausted, with_retries
from bots.runtime.vault import Credentials, Vault
from sandbox.sites import totp as portal_totp


def test_vault_keeps_secrets_encrypted_and_refuses_a_wrong_key(tmp_path: Path) -> None:
    key = Fernet.generate_key()
    vault = Vault(tmp_path / "vault.bin", key)
    vault.set("medicare", Credentials(url="https://portal", username="u1", password="s3cret-Pa55", totp_secret="JBSWY3DP"))
    raw = (tmp_path / "vault.bin").read_bytes()
    assert b"s3cret" not in raw and b"JBSWY3DP" not in raw
    assert (tmp_path / "vault.bin").stat().st_mode & 0o777 == 0o600
    assert Vault(tmp_path / "vault.bin", key).get("medicare").password == "s3cret-Pa55"
    assert "s3cret" not in repr(vault.get("medicare"))
    with pytest.raises(VaultError, match="cannot be decrypted"):
        Vault(tmp_path / "vault.bin", Fernet.generate_key()).get("medicare")
    with pytest.raises(VaultError, match="hme-rpa vault set bluriver"):
        vault.get("bluriver")


def test_vault_key_file_is_created_private_on_first_use(tmp_path: Path) -> None:
    key_file = tmp_path / "conf" / "vault.key"
    with pytest.raises(VaultError, match="no vault key"):
        Vault.open(tmp_path, key_file=key_file)
    vault = Vault.open(tmp_path, key_file=key_file, create_key=True)
    vault.set("billing", Credentials(url="http://x", username="op", password="pw"))
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert Vault.open(tmp_path, key_file=key_file).portals() == ["billing"]


def test_totp_codes_are_accepted_by_the_portal() -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    assert portal_totp.verify(secret, totp.code(secret))
    # RFC 6238's test vector (SHA-1, T=59: 94287082), at the six digits portals use.
    rfc_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp.code(rfc_secret, at=59) == "287082"
    # A secret as an admin copies it from the portal's set-up page: grouped by four, lower case. The robots'
    # own TOTP padded the secret before taking the spaces out and raised binascii.Error here.
    grouped = "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp"
    assert totp.code(grouped, at=59) == totp.code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", at=59)
    with pytest.raises(VaultError, match="vault set"):
        totp.code("not base32!", at=59)


def _run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_retries_use_a_fresh_session_then_give_up() -> None:
    guard = PortalGuard("p", Policy(retries=2, backoff=0.01, breaker_threshold=50))
    calls, drops = [], []

    async def attempt() -> str:
        calls.append(1)
        raise PortalUnavailable("HTTP 503")

    async def drop(error: BaseException) -> None:
        drops.append(type(error).__name__)

    with pytest.raises(RetriesExhausted, match="3 attempts"):
        _run(with_retries(guard, attempt, drop))
    assert len(calls) == 3 and drops == ["PortalUnavailable"] * 3


def test_business_exceptions_are_not_retried() -> None:
    guard = PortalGuard("p", Policy(retries=3, backoff=0.01))
    calls = []

    async def attempt() -> None:
        calls.append(1)
        raise BusinessException("denied", {"kind": "denial"})

    async def drop(error: BaseException) -> None:
        raise AssertionError("no session is dropped for a business exception")

    with pytest.raises(BusinessException):
        _run(with_retries(guard, attempt, drop))
    assert calls == [1] and guard.failures == 0


def test_circuit_opens_after_consecutive_failures_and_stops_calls() -> None:
    guard = PortalGuard("medicare", Policy(retries=10, backoff=0.001, breaker_threshold=4))
    calls = []

    async def attempt() -> None:
        calls.append(1)
        raise PortalUnavailable("maintenance")

    async def drop(error: BaseException) -> None:
        return None

    with pytest.raises(PortalDown, match="medicare failed 4 times"):
        _run(with_retries(guard, attempt, drop))
    assert len(calls) == 4
    with pytest.raises(PortalDown):
        guard.check()


def test_a_success_resets_the_failure_count() -> None:
    guard = PortalGuard("p", Policy(retries=5, backoff=0.001, breaker_threshold=3))
    outcomes = iter([PortalUnavailable("x"), PortalUnavailable("y"), "ok", PortalUnavailable("z"), "ok"])

    async def attempt() -> str:
        value = next(outcomes)
        if isinstance(value, Exception):
            raise value
        return value

    async def drop(error: BaseException) -> None:
        return None

    assert _run(with_retries(guard, attempt, drop)) == "ok"
    assert _run(with_retries(guard, attempt, drop)) == "ok"
    assert not guard.open


def test_politeness_spaces_calls_to_one_portal() -> None:
    guard = PortalGuard("p", Policy(min_interval=0.05))

    async def five() -> float:
        start = time.monotonic()
        await asyncio.gather(*(guard.pace() for _ in range(5)))
        return time.monotonic() - start

    assert _run(five()) >= 0.19


def test_requests_a_step_sends_unasked_are_paid_for_and_no_second_holds_more_than_the_rate() -> None:
    """10 requests a second stated; each step's one paced request brings a redirect the page sends unasked.
    Counted by steps that was 20 a second; counted by requests, no second (as a portal counts, sliding) holds
    more than 10."""
    guard = PortalGuard("billing", Policy(min_interval=0.1))
    sent: list[float] = []

    async def step() -> None:
        await guard.pace()
        sent.append(time.monotonic())
        guard.sent()  # the paced request
        await asyncio.sleep(0.005)
        sent.append(time.monotonic())
        guard.sent()  # the page it redirects to

    async def night() -> None:
        for _ in range(12):
            await step()

    _run(night())
    busiest = max(sum(1 for t in sent if start <= t < start + 1.0) for start in sent)
    assert busiest <= 10, busiest
    assert guard.unpaced == 12


def test_a_form_post_is_paid_for_with_its_redirect_before_it_goes() -> None:
    """Several sessions' posts at once would each bring a redirect in the same second, paid only after."""
    guard = PortalGuard("billing", Policy(min_interval=0.1))

    async def post_then_read() -> float:
        await guard.pace(requests=2)
        start = time.monotonic()
        guard.sent()
        guard.sent()  # the post and its redirect: both paid already
        await guard.pace()
        return time.monotonic() - start

    assert _run(post_then_read()) >= 0.19
    assert guard.unpaced == 0


def test_a_paced_request_no_page_reports_is_not_taken_for_one_that_is() -> None:
    guard = PortalGuard("billing", Policy(min_interval=0.01))
    _run(guard.pace(reported=False))  # the context's own client (a download): nothing will report it
    guard.sent()  # a page's request the robot did not pace
    assert guard.unpaced == 1


def test_a_429_waits_out_retry_after_slows_the_pace_and_spends_no_retry() -> None:
    from bots.errors import RateLimited

    guard = PortalGuard("medicare", Policy(retries=1, backoff=0.01, min_interval=0.01, breaker_threshold=2))
    calls: list[float] = []
    drops: list[BaseException] = []

    async def attempt() -> str:
        calls.append(time.monotonic())
        if len(calls) <= 3:  # three 429s in a row: more than the retries and the breaker allow for failures
            raise RateLimited("HTTP 429", retry_after=0.2)
        return "ok"

    async def drop(error: BaseException) -> None:
        drops.append(error)

    assert asyncio.run(with_retries(guard, attempt, drop)) == "ok"
    assert len(calls) == 4 and not drops and not guard.open  # still logged in; not a failure of the portal
    assert all(b - a >= 0.19 for a, b in zip(calls, calls[1:]))  # each Retry-After waited out
    assert guard.rate_limited == 3
    assert abs(guard.interval - 0.08 * 0.98) < 1e-9  # halved three times, then one step back toward the floor


def test_a_portal_that_never_stops_answering_429_fails_in_the_end() -> None:
    from bots.errors import RateLimited

    guard = PortalGuard("medicare", Policy(retries=1, backoff=0.0, rate_limited_retries=3))

    async def attempt() -> str:
        raise RateLimited("HTTP 429", retry_after=0)

    async def drop(error: BaseException) -> None:
        pass

    with pytest.raises(RetriesExhausted, match="429"):
        asyncio.run(with_retries(guard, attempt, drop))


def test_retry_after_is_read_as_seconds_or_as_a_date() -> None:
    import datetime as dt
    import email.utils

    from bots.portals.base import retry_after_seconds

    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    later = email.utils.format_datetime(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_after_seconds(later) or 0) <= 31
