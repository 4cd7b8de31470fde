"""What the supplier sells and how payers answer: products, fee schedules, reason codes.

Denial rates by category follow seed 002 (DME 28%, oxygen 8%, rehab 40%).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Product:
    hcpcs: str
    description: str
    category: str  # "oxygen", "dme", "rehab", "supplies"
    modifiers: tuple[str, ...]
    billed: Decimal  # the supplier's charge per unit
    allowed: Decimal  # the fee schedule per unit
    needs_cmn: bool = False
    units: int = 1


def _p(hcpcs: str, description: str, category: str, mods: str, billed: str, allowed: str,
       needs_cmn: bool = False, units: int = 1) -> Product:
    return Product(hcpcs, description, category, tuple(mods.split()), Decimal(billed), Decimal(allowed),
                   needs_cmn, units)


PRODUCTS: tuple[Product, ...] = (
    _p("E1390", "OXYGEN CONCENTRATOR", "oxygen", "RR", "289.25", "168.57", needs_cmn=True),
    _p("E0431", "PORTABLE GASEOUS OXYGEN SYSTEM", "oxygen", "RR", "62.40", "28.14", needs_cmn=True),
    _p("E1392", "PORTABLE OXYGEN CONCENTRATOR", "oxygen", "RR", "95.00", "51.63", needs_cmn=True),
    _p("E0439", "STATIONARY LIQUID OXYGEN SYSTEM", "oxygen", "RR", "245.00", "168.57", needs_cmn=True),
    _p("E0601", "CPAP DEVICE", "dme", "RR KX", "185.00", "90.17"),
    _p("E0260", "HOSPITAL BED SEMI-ELECTRIC", "dme", "RR", "210.00", "127.35"),
    _p("E0143", "WALKER FOLDING WHEELED", "dme", "NU", "145.00", "64.85"),
    _p("E0470", "RESPIRATORY ASSIST DEVICE BI-LEVEL", "dme", "RR KX", "380.00", "221.52"),
    _p("K0823", "POWER WHEELCHAIR GROUP 2 STANDARD", "rehab", "RR KX", "725.00", "436.31"),
    _p("K0001", "STANDARD WHEELCHAIR", "rehab", "RR", "95.00", "53.11"),
    _p("E2402", "NEGATIVE PRESSURE WOUND THERAPY PUMP", "rehab", "RR KX", "1450.00", "1023.22"),
    _p("A7030", "CPAP FULL FACE MASK", "supplies", "NU", "210.00", "143.02"),
    _p("A4253", "BLOOD GLUCOSE TEST STRIPS 50", "supplies", "NU KX", "48.00", "25.31", units=2),
)

DENIAL_RATE = {"oxygen": 0.08, "dme": 0.28, "rehab": 0.40, "supplies": 0.20}

# (group, reason, remark or "", what the robot and the biller see)
DENIALS: tuple[tuple[str, str, str], ...] = (
    ("CO", "50", "N115"),    # not medically necessary: appeal
    ("CO", "16", "MA130"),   # unprocessable: correct and resubmit
    ("CO", "197", ""),       # no authorization
    ("CO", "4", "N519"),     # modifier inconsistent
    ("CO", "151", ""),       # frequency
    ("OA", "18", ""),        # duplicate
    ("CO", "97", ""),        # bundled
)

SUPPLIER = {"name": "SUMMIT HOME MEDICAL SUPPLY", "address": "2200 RIVERVIEW DR", "city": "BOISE ID 83702"}

PAYERS = (
    # key, name, payer_type, address
    ("medicare", "NORTHERN PLAINS DME MAC", "medicare", "PO BOX 6727, FARGO ND 58108"),
    ("bluriver", "BLUE RIVER HEALTH PLAN", "commercial", "PO BOX 90210, DENVER CO 80202"),
)

LAST_NAMES = ("KOWALSKI", "NGUYEN", "HERNANDEZ-LOPEZ", "OKAFOR", "MURPHY", "BERGSTROM", "PATEL", "WASHINGTON",
              "ROSSI", "CHEN", "ABERNATHY", "DUBOIS", "YAZZIE", "SCHMIDT", "MENDOZA", "OBRIEN", "JOHANSSON",
              "KIM", "GARCIA", "THOMPSON", "NOVAK", "FISCHER", "MORALES", "IVANOV", "BROWN", "SATO", "ADEYEMI",
              "LINDQVIST", "MARTIN", "COHEN", "SILVA", "WALSH", "PETERSEN", "ROMERO", "KHAN", "DAVIS")
FIRST_NAMES = ("BARBARA", "JAMES", "LINDA", "DANIEL", "ELLEN", "CARL", "ANITA", "GRACE", "MARCO", "LILY",
               "RUTH", "PIERRE", "HAROLD", "INGRID", "ROSA", "PATRICK", "SVEN", "MIN", "JOSE", "MARY", "PAVEL",
               "HELGA", "LUIS", "OLGA", "ROBERT", "YUKI", "TUNDE", "ASTRID", "PAUL", "DEBORAH", "ANA", "SEAN")
STREETS = ("BIRCH CT", "MAPLE AVE", "RIVER RD", "CEDAR LN", "5TH ST", "PINE ST", "ELM DR", "SUNSET BLVD")
CITIES = ("BOISE ID 83702", "NAMPA ID 83651", "MERIDIAN ID 83642", "CALDWELL ID 83605", "EAGLE ID 83616")
PHYSICIANS = ("CHOWDHURY, ANIL", "ANDERSON, KAREN", "OYELARAN, FUNMI", "MCALLISTER, DOUG", "VASQUEZ, ELENA",
              "HOFFMAN, GREGORY", "TRAN, MAI", "BALDWIN, SUSAN")
ICD10 = {"oxygen": ("J44.9", "J43.9", "J84.10", "I27.20"), "dme": ("G47.33", "M62.81", "R26.81", "J96.11"),
         "rehab": ("G35", "G80.9", "M62.81", "L89.154"), "supplies": ("E11.9", "E11.65", "G47.33")}
