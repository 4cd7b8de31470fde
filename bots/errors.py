"""Everything a robot can raise, under one root.

Business exceptions mean the data needs a person: they become queue items
for the team that owns them and the night goes on. Application exceptions
mean the machinery failed (timeout, 5xx, expired session, a missing element):
they are retried with a fresh session, and only when retries run out does
one item go to the RPA admin team.
"""

from __future__ import annotations

from typing import Any


class BotError(Exception):
    """Root of every robot error."""


class BusinessException(BotError):
    """The unit needs a person; `item` is the queue item to file (kind, summary, references...)."""

    def __init__(self, message: str, item: dict[str, Any]) -> None:
        super().__init__(message)
        self.item = item


class ApplicationException(BotError):
    """The machinery failed; worth another try with a fresh session."""


class PortalUnavailable(ApplicationException):
    """5xx, 429 or a maintenance page."""


class SessionExpired(ApplicationException):
    """The portal sent us back to its log-in page."""

    # How long the session had been logged in when the portal ended it (set by the portal session): a
    # session that lived a while ended as sessions do; one that ended at once is the portal refusing it.
    logged_in_for: float | None = None


class ElementMissing(ApplicationException):
    """A page did not show what its page object expects (layout change, half-loaded page)."""


class DownloadDamaged(ApplicationException):
    """A document arrived truncated or corrupt."""


class PostingNotConfirmed(ApplicationException):
    """The billing system took an entry but the claim read back does not show it; the retry reads afresh and
    posts only what is not there."""


class BillingRefused(BotError):
    """The billing system refused an entry, with the message its screen shows. Not retried (the same entry is
    refused again): the robot that tried files it for a person with what it was doing (a business exception)."""


class RateLimited(PortalUnavailable):
    """429: the portal asks us to slow down, for `retry_after` seconds when it says so. Not the portal failing:
    the guard waits and slows its pace, and the step is tried again without spending a retry."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnitStalled(ApplicationException):
    """A unit made no progress for longer than its watchdog allows (a wait that would never end)."""


class LeaseLost(ApplicationException):
    """The unit's lease ran out while it was worked and another runner leased it: this one stops and leaves it."""


class UnitIncomplete(BotError):
    """A unit failed part-way after some of its work was done: `filings` are the queue items the done part
    implies (a posted claim's denial), filed with the failure so that none is lost."""

    def __init__(self, cause: BaseException, filings: list[Any], done: int, total: int) -> None:
        super().__init__(f"{done} of {total} done, then {type(cause).__name__}: {cause}")
        self.cause = cause
        self.filings = filings
        self.done = done
        self.total = total


class PortalDown(BotError):
    """The circuit breaker is open for a portal: calls stop for the rest of the run."""

    def __init__(self, portal: str, failures: int, last_error: str) -> None:
        super().__init__(f"{portal} failed {failures} times in a row; last error: {last_error}")
        self.portal = portal
        self.failures = failures
        self.last_error = last_error


class PasswordExpired(BotError):
    """The portal wants a new password: a person changes it and stores it with `hme-rpa vault set`."""

    def __init__(self, portal: str) -> None:
        super().__init__(f"the password for {portal} has expired: change it at the portal, then run "
                         f"`hme-rpa vault set {portal}`")
        self.portal = portal


class LoginRefused(BotError):
    """The portal refused the stored credentials: retrying would only lock the account."""

    def __init__(self, portal: str, message: str) -> None:
        super().__init__(message)
        self.portal = portal


class VaultError(BotError):
    """The credential vault is missing, unreadable, or has no entry for a portal."""
