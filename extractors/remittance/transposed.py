"""A table printed across: each service line a column ("Line 1", "Line 2", ...) and each field a row across them
("Charge   210.00   96.00"), a line's adjustments down its own column, as a portal's claim detail view prints its
lines.

Such a block is turned back into the table every other layout prints, for the columns reader to read as it reads
theirs: a row of column headers (the block's row labels, in order) and a row per service line (its cells in the
labels' order, every adjustment down its column on its row, its remarks on a row after it). A row's label is
known by the column wordings (`by_columns.label_role`), never by one print's words; each cell goes to the line
whose column it stands in. A further adjustment's row that stands nowhere known (a text layer that keeps no
leading space) goes to the line it balances, by each line's charge less its payment; where no one way balances,
its cells are read in order and marked unsure, and the balancing rules judge the claim.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Iterator

from ..lines import Line
from .by_columns import label_role
from .common import PAGE_FOOTER, money

# A block's heading row: the lines' names across ("Line 1   Line 2", "Svc #1", "Item 3").
# (Its number as a scan may read it: "Line l".)
_LINE_NAME = r"(?:LINE|LN|SERVICE|SVC|ITEM|#)\s*#?\s*[\dlI|O]{1,2}\b"
_HEADING = re.compile(rf"^(?:{_LINE_NAME}\s*)+$", re.I)
_REMARKS_LABEL = re.compile(r"^(?:REMARKS?|REMARK CODES?|RARC|RMK)\s*:?$", re.I)
# A further adjustment in a line's column ("PR-3 25.00", "CO 45 $66.98") or further remark codes ("N130 M15").
_ADJUSTMENT_CELL = re.compile(r"^\S{2,4}(?:[-/ ]\S{1,4})?\s+\(?-?\$?[\d,OoIl|]*\d[.,]\d\d\)?$")
_REMARKS_CELL = re.compile(r"^(?:(?:MA|M|N)\d{1,3}[,;]?\s*)+$")
_AMOUNT_AT_END = re.compile(r"(?P<v>\d[\d,]*\.\d\d)\)?$")
_NEAR = 4  # a cell stands in a line's column when it starts this near the column's start (characters)
# An amount read with its cell placed by no evidence: the balancing rules must judge it (0: never sure).
_UNPLACED = 0.0
_EXTRA_ROLES = ("adjustments", "remarks")


@dataclass
class _Cell:
    start: int
    end: int
    column: int | None  # where it stands on the page, in characters (None where the row does not know)


@dataclass
class _FieldRow:
    row: Line
    role: str
    label: _Cell
    cells: list[_Cell]
    # Further rows of the field's (a line's second and third adjustments), each with its cells.
    more: list[tuple[Line, list[_Cell]]] = field(default_factory=list)


@dataclass
class _Block:
    heading: tuple[Line, list[_Cell]] | None
    fields: list[_FieldRow] = field(default_factory=list)
    held: list[Line] = field(default_factory=list)  # page footers inside the block, kept for after it

    @property
    def label_end(self) -> int | None:
        """Where the labels' column ends on the page (its first label's end): a line's cell stands past it."""
        label = self.fields[0].label
        return None if label.column is None else label.column + label.end - label.start

    @property
    def roles(self) -> set[str]:
        return {f.role for f in self.fields}

    def complete(self) -> bool:
        """A service table across: the charge and the payment and the date or the code, in four rows or more."""
        roles = self.roles
        return {"billed", "paid"} <= roles and bool(roles & {"dates", "from", "code"}) and len(self.fields) >= 4


def detect(upper: str) -> bool:
    """A page that prints a service table across: four rows or more in a run, each a column's wording and then
    values, naming the charge, the payment and the date or the code."""
    roles: set[str] = set()
    run = 0
    for text in upper.splitlines():
        role = _leading_role(text)
        if role is None:
            if not _HEADING.match(text.strip()) and not _ADJUSTMENT_CELL.match(text.strip()):
                roles, run = set(), 0
            continue
        roles.add(role)
        run += 1
        if run >= 4 and {"billed", "paid"} <= roles and roles & {"dates", "from", "code"}:
            return True
    return False


def _leading_role(text: str) -> str | None:
    """The role a row's first words name where values follow them (the label cut at a wide gap or, in a text
    whose gaps are one space, at its first value)."""
    words = text.split()
    for count in (3, 2, 1):
        if len(words) > count and not any(re.search(r"\d", w) for w in words[:count]):
            label = " ".join(words[:count])
            role = "remarks" if _REMARKS_LABEL.match(label) else label_role(label)
            if role is not None:
                return role
    return None


def rows(lines: Iterable[Line]) -> Iterator[Line]:
    """The rows as read, each block printed across turned into its table (header row, a row per line)."""
    block: _Block | None = None
    heading: Line | None = None
    for row in lines:
        text = row.text.strip()
        if block is not None:
            if PAGE_FOOTER.match(text):
                block.held.append(row)
                continue
            found = _field_row(row)
            if found is not None and found.role not in block.roles:
                block.fields.append(found)
                continue
            last = block.fields[-1]
            if found is None and last.role in _EXTRA_ROLES and (cells := _extra_cells(row, last.role)):
                last.more.append((row, cells))
                continue
            yield from _emitted(block)
            block = None
        if heading is not None:
            held, heading = heading, None
            found = _field_row(row)
            if found is not None:
                block = _Block((held, _cells(held)), [found])
                continue
            yield held
        if _HEADING.match(text):
            heading = row
            continue
        found = _field_row(row)
        if found is not None and found.role not in _EXTRA_ROLES:
            block = _Block(None, [found])
            continue
        yield row
    if heading is not None:
        yield heading
    if block is not None:
        yield from _emitted(block)


def _cells(row: Line) -> list[_Cell]:
    """A row's cells: its text cut at the gaps wider than a space, each with where it stands on the page."""
    text = row.text
    bounds = [-1, *sorted(w for w in row.wide if 0 < w < len(text)), len(text)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        start = a + 1
        while start < b and text[start] == " ":
            start += 1
        end = b
        while end > start and text[end - 1] == " ":
            end -= 1
        if end > start:
            column = row.column(start)
            out.append(_Cell(start, end, None if column is None or row.indent is None else row.indent + column))
    return out


def _field_row(row: Line) -> _FieldRow | None:
    cells = _cells(row)
    if len(cells) < 2:
        return None
    label = row.text[cells[0].start:cells[0].end]
    role = "remarks" if _REMARKS_LABEL.match(label) else label_role(label)
    if role is None:
        return None
    return _FieldRow(row, role, cells[0], cells[1:])


def _extra_cells(row: Line, role: str) -> list[_Cell] | None:
    """A further row of adjustments or remarks: nothing but such cells."""
    cells = _cells(row)
    shape = _ADJUSTMENT_CELL if role == "adjustments" else _REMARKS_CELL
    if cells and all(shape.match(row.text[c.start:c.end]) for c in cells):
        return cells
    return None


def _emitted(block: _Block) -> Iterator[Line]:
    if not block.complete():
        if block.heading is not None:
            yield block.heading[0]
        for found in block.fields:
            yield found.row
            yield from (row for row, _ in found.more)
        yield from block.held
        return
    anchors = _anchors(block)
    count = len(anchors)
    placed: dict[str, list[list[Line]]] = {}  # role -> per line, its cells (as parts of their rows)
    for found in block.fields:
        per_line: list[list[Line]] = [[] for _ in range(count)]
        for index, part in _placed(found.row, found.cells, anchors, block):
            per_line[index].append(part)
        for extra_row, cells in found.more:
            for index, part in _placed(extra_row, cells, anchors, block, found=found, per_line=per_line):
                per_line[index].append(part)
        placed[found.role] = per_line
    labels = [found.row.part(found.label.start, found.label.end) for found in block.fields
              if found.role != "remarks"]
    yield Line.joined(labels)
    for index in range(count):
        cells = [part for found in block.fields if found.role != "remarks" for part in placed[found.role][index]]
        if cells:
            yield Line.joined(cells)
        remarks = placed.get("remarks", [[]] * count)[index]
        if remarks:
            yield Line.joined([Line.plain("Remarks:"), *remarks])
    yield from block.held


def _anchors(block: _Block) -> list[int | None]:
    """Where each line's column starts: the heading's names, else the field row with the most cells."""
    label_end = block.label_end
    if block.heading is not None and block.heading[1]:
        named = _line_names(block.heading[0], block.heading[1])
        # (A heading that starts over the labels stands nowhere known: a text layer that kept no leading space.)
        if named and (label_end is None or all(a is not None and a > label_end for a in named)):
            return named
    widest = max(block.fields, key=lambda f: len(f.cells))
    return [cell.column for cell in widest.cells]


def _line_names(row: Line, cells: list[_Cell]) -> list[int | None]:
    """The heading's line names, each one column ("Line 1   Line 2": two cells; "Line 1 Line 2" a space apart,
    where a scan closed the gap, still two)."""
    out: list[int | None] = []
    for cell in cells:
        text = row.text[cell.start:cell.end]
        names = list(re.finditer(_LINE_NAME, text, re.I))
        for name in names or [None]:
            at = cell.start + (name.start() if name else 0)
            column = row.column(at)
            out.append(None if column is None or row.indent is None else row.indent + column)
    return out


def _placed(row: Line, cells: list[_Cell], anchors: list[int | None], block: _Block, *,
            found: _FieldRow | None = None, per_line: list[list[Line]] | None = None) -> list[tuple[int, Line]]:
    """Each cell with the line it belongs to: by where it stands; in order where the row fills every line's
    column; a further adjustment's row that stands nowhere known by what balances; else in order, unsure."""
    count = len(anchors)
    label_end = block.label_end
    known = all(a is not None for a in anchors) and all(c.column is not None for c in cells) and \
        (label_end is None or all(c.column > label_end for c in cells))  # type: ignore[operator]
    if known:
        out = []
        for cell in cells:
            distances = [abs(cell.column - a) for a in anchors]  # type: ignore[operator]
            index = distances.index(min(distances))
            if min(distances) <= _NEAR or len(cells) == count:
                out.append((index, row.part(cell.start, cell.end)))
            else:
                out.append((index, _unsure(row.part(cell.start, cell.end))))
        if len({i for i, _ in out}) == len(out):
            return out
    if len(cells) == count:
        return [(i, row.part(c.start, c.end)) for i, c in enumerate(cells)]
    if found is not None and found.role == "adjustments" and per_line is not None:
        chosen = _balancing(row, cells, block, per_line)
        if chosen is not None:
            return [(i, row.part(c.start, c.end)) for i, c in zip(chosen, cells)]
    return [(i, _unsure(row.part(c.start, c.end))) for i, c in enumerate(cells[:count])]


def _balancing(row: Line, cells: list[_Cell], block: _Block, per_line: list[list[Line]]) -> tuple[int, ...] | None:
    """The one way to give a row's further adjustments to lines (in order, one each) that leaves the lines whose
    adjustments it completes balanced: each line's charge less its payment is its adjustments' sum."""
    residual = _residuals(block, per_line)
    amounts = [_amount(row.text[c.start:c.end]) for c in cells]
    if residual is None or any(a is None for a in amounts):
        return None
    fits = [choice for choice in itertools.combinations(range(len(residual)), len(cells))
            if all(residual[i] == a for i, a in zip(choice, amounts))]
    return fits[0] if len(fits) == 1 else None


def _residuals(block: _Block, per_line: list[list[Line]]) -> list[Decimal] | None:
    """Each line's charge less its payment less the adjustments given it so far."""
    by_role = {f.role: f for f in block.fields}
    count = len(per_line)
    out = []
    for index in range(count):
        values = []
        for role in ("billed", "paid"):
            found = by_role[role]
            cells = found.cells if len(found.cells) == count else None
            if cells is None:
                return None
            values.append(_amount(found.row.text[cells[index].start:cells[index].end]))
        given = [_amount(part.text) for part in per_line[index]]
        if any(v is None for v in values + given):
            return None
        out.append(values[0] - values[1] - sum(given, Decimal(0)))  # type: ignore[operator, arg-type]
    return out


def _amount(text: str) -> Decimal | None:
    found = _AMOUNT_AT_END.search(text.strip())
    return None if found is None else money(found["v"])


def _unsure(part: Line) -> Line:
    """A cell whose line no evidence told: every word of it unsure, for the balancing rules to judge."""
    return Line(part.text, [(s, e, _UNPLACED) for s, e, _ in part.spans], part.wide)
