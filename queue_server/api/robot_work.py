"""The robots' nights through the bots' API: a runner plans, leases, checkpoints and records its runs here, with
its token and nothing else (services/robot_work.py holds the rules)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import jsonify

from .. import db
from ..exceptions import NotFound
from ..models import RobotRun, RobotUnit, RunStatus, UnitStatus
from ..services.robot_work import NightLedger, Unit
from . import bp
from .routes import _json_body, _validated, token_required
from .schemas import (ExtendIn, FinishedBeforeIn, LeaseIn, PlanIn, PlannedIn, ProgressIn, RunIn, RunnerIn, RunUpdateIn,
                      UnitFinishIn, UnitOut)

ROBOT_NIGHT = "/robots/<robot>/nights/<night>"
ROBOT_NAME = re.compile(r"[a-z-]{1,32}")  # as the OpenAPI document gives it


def _ledger(robot: str, night: str, runner: str = "", lease_seconds: int = 300) -> NightLedger:
    try:
        day = dt.date.fromisoformat(night)
    except ValueError:
        raise NotFound(f"No night {night!r}: nights are YYYY-MM-DD.") from None
    if not ROBOT_NAME.fullmatch(robot):
        raise NotFound(f"No robot {robot[:40]!r}: robots are named in lower case (claim-status, eobs, ...).")
    assert db.engine is not None
    return NightLedger(db.engine, robot, day, runner, lease_seconds=lease_seconds)


def _unit(unit_id: int) -> RobotUnit:
    unit = db.session.get(RobotUnit, unit_id)
    db.session.rollback()  # the ledger writes with its own connections
    if unit is None:
        raise NotFound(f"No unit #{unit_id}.")
    return unit


def _unit_out(unit: Unit | None) -> Any:
    if unit is None:
        return jsonify({"unit": None})
    return jsonify({"unit": UnitOut(id=unit.id, key=unit.key, data=unit.data, result=unit.result,
                                    attempts=unit.attempts).model_dump(mode="json")})


@bp.post(f"{ROBOT_NIGHT}/runs")
@token_required
def start_run(robot: str, night: str) -> Any:
    body: RunIn = _validated(RunIn, _json_body())
    return jsonify({"run_id": _ledger(robot, night, body.runner).start_run()}), 201


@bp.post("/runs/<id:run_id>")
@token_required
def update_run(run_id: int) -> Any:
    body: RunUpdateIn = _validated(RunUpdateIn, _json_body())
    run = db.session.get(RobotRun, run_id)
    if run is None:
        raise NotFound(f"No run #{run_id}.")
    ledger = _ledger(run.robot, run.night.isoformat(), run.runner)
    db.session.rollback()
    ledger.run_id = run_id
    values = body.model_dump(exclude_none=True, exclude={"status", "error", "finished"})
    if body.finished:
        ledger.finish_run(RunStatus(body.status or RunStatus.FINISHED), body.error or "", **values)
    else:
        ledger.update_run(**({"status": RunStatus(body.status)} if body.status else {}), **values)
    return jsonify({"run_id": run_id})


@bp.post(f"{ROBOT_NIGHT}/units")
@token_required
def plan_units(robot: str, night: str) -> Any:
    body: PlanIn = _validated(PlanIn, _json_body())
    return jsonify({"new": _ledger(robot, night).plan((u.key, u.data) for u in body.units)})


@bp.post(f"{ROBOT_NIGHT}/units/finished-before")
@token_required
def finished_before(robot: str, night: str) -> Any:
    body: FinishedBeforeIn = _validated(FinishedBeforeIn, _json_body())
    return jsonify({"keys": sorted(_ledger(robot, night).finished_before(body.keys))})


@bp.get(f"{ROBOT_NIGHT}/units/counts")
@token_required
def unit_counts(robot: str, night: str) -> Any:
    return jsonify({"counts": _ledger(robot, night).counts()})


@bp.post(f"{ROBOT_NIGHT}/planning")
@token_required
def claim_planning(robot: str, night: str) -> Any:
    body: LeaseIn = _validated(LeaseIn, _json_body())
    return jsonify({"turn": _ledger(robot, night, body.runner, body.lease_seconds).claim_planning()})


@bp.post(f"{ROBOT_NIGHT}/planning/done")
@token_required
def mark_planned(robot: str, night: str) -> Any:
    body: PlannedIn = _validated(PlannedIn, _json_body())
    _ledger(robot, night).mark_planned(body.count)
    return jsonify({})


@bp.post(f"{ROBOT_NIGHT}/planning/abandon")
@token_required
def abandon_planning(robot: str, night: str) -> Any:
    body: RunnerIn = _validated(RunnerIn, _json_body())
    _ledger(robot, night, body.runner).abandon_planning()
    return jsonify({})


@bp.post(f"{ROBOT_NIGHT}/leases")
@token_required
def lease_next(robot: str, night: str) -> Any:
    body: LeaseIn = _validated(LeaseIn, _json_body())
    ledger = _ledger(robot, night, body.runner, body.lease_seconds)
    ledger.run_id = body.run_id
    return _unit_out(ledger.lease_next(set(body.skip_portals)))


@bp.post(f"{ROBOT_NIGHT}/leases/reclaim")
@token_required
def reclaim_leases(robot: str, night: str) -> Any:
    body: RunnerIn = _validated(RunnerIn, _json_body())
    return jsonify({"count": _ledger(robot, night, body.runner).reclaim_own_leases()})


@bp.post(f"{ROBOT_NIGHT}/leases/release")
@token_required
def release_leases(robot: str, night: str) -> Any:
    body: RunnerIn = _validated(RunnerIn, _json_body())
    _ledger(robot, night, body.runner).release_own_leases()
    return jsonify({})


def _unit_ledger(unit_id: int, runner: str, lease_seconds: int = 300) -> tuple[NightLedger, Unit]:
    row = _unit(unit_id)
    ledger = _ledger(row.robot, row.night.isoformat(), runner, lease_seconds)
    return ledger, Unit(row.id, row.key, dict(row.data), dict(row.result or {}), row.attempts)


@bp.post("/units/<id:unit_id>/give-back")
@token_required
def give_back(unit_id: int) -> Any:
    body: RunnerIn = _validated(RunnerIn, _json_body())
    ledger, unit = _unit_ledger(unit_id, body.runner)
    ledger.give_back(unit)
    return jsonify({})


@bp.post("/units/<id:unit_id>/lease")
@token_required
def extend_lease(unit_id: int) -> Any:
    body: ExtendIn = _validated(ExtendIn, _json_body())
    ledger, unit = _unit_ledger(unit_id, body.runner, body.lease_seconds)
    return jsonify({"held": ledger.extend(unit)})


@bp.post("/units/<id:unit_id>/progress")
@token_required
def save_progress(unit_id: int) -> Any:
    body: ProgressIn = _validated(ProgressIn, _json_body())
    ledger, unit = _unit_ledger(unit_id, body.runner, body.lease_seconds)
    unit.result = body.result
    ledger.save(unit)
    return jsonify({})


@bp.post("/units/<id:unit_id>/finish")
@token_required
def finish_unit(unit_id: int) -> Any:
    body: UnitFinishIn = _validated(UnitFinishIn, _json_body())
    ledger, unit = _unit_ledger(unit_id, body.runner)
    unit.result = body.result
    ledger.finish(unit, UnitStatus(body.status))
    return jsonify({})
