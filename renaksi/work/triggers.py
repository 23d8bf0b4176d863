"""Database triggers that keep the copied plan, unit and year of the work rows true.

``SchedulePeriod``, ``Realisation`` and ``Evidence`` carry copies of where they belong (plan,
unit, year, sub-activity) so that lists over 553 units filter without walking the tree. A
CHECK constraint cannot look at another table, so these triggers do, on PostgreSQL and on
SQLite alike:

* a period whose plan, unit or year disagree with its plan, or whose sub-activity (or change
  agent's action) belongs to another plan, is refused;
* a realisation whose copies disagree with its period, and an evidence item whose copies
  disagree with its realisation, are refused;
* when a plan's unit or year changes, its copies follow (a period's due date moves by the
  same number of years).

They are (re)installed after every ``migrate`` (``post_migrate``, see apps.py), idempotently:
SQLite drops a table's triggers whenever a migration rebuilds that table, so installing them
once in a migration would not keep them. A refused write is an ``IntegrityError``.
"""

from __future__ import annotations

PERIOD_OK = """
    EXISTS (SELECT 1 FROM plans_actionplan p
            WHERE p.id = NEW.plan_id AND p.unit_id = NEW.unit_id AND p.year = NEW.year)
    AND (NEW.sub_activity_id IS NULL OR EXISTS (
            SELECT 1 FROM plans_subactivity s
            JOIN plans_activity a ON a.id = s.activity_id
            JOIN plans_planarea r ON r.id = a.area_id
            WHERE s.id = NEW.sub_activity_id AND r.plan_id = NEW.plan_id))
    AND (NEW.agent_action_id IS NULL OR EXISTS (
            SELECT 1 FROM work_changeagentaction x
            JOIN work_changeagentplan g ON g.id = x.agent_plan_id
            WHERE x.id = NEW.agent_action_id AND g.plan_id = NEW.plan_id))
"""

REALISATION_OK = """
    EXISTS (SELECT 1 FROM work_scheduleperiod p
            WHERE p.id = NEW.period_id AND p.plan_id = NEW.plan_id
              AND p.unit_id = NEW.unit_id AND p.year = NEW.year
              AND p.sub_activity_id IS NOT DISTINCT FROM NEW.sub_activity_id
              AND p.agent_action_id IS NOT DISTINCT FROM NEW.agent_action_id)
"""

EVIDENCE_OK = """
    EXISTS (SELECT 1 FROM work_realisation r
            WHERE r.id = NEW.realisation_id AND r.plan_id = NEW.plan_id
              AND r.unit_id = NEW.unit_id)
"""

CHECKS = [
    ("work_scheduleperiod", "work_period_copies", PERIOD_OK),
    ("work_realisation", "work_realisation_copies", REALISATION_OK),
    ("work_evidence", "work_evidence_copies", EVIDENCE_OK),
]

# A period's due date moves with the plan's year (the same day and month, report_due_day ≤ 28).
SHIFTED_DUE = {
    "sqlite": "date(due_on, (NEW.year - OLD.year) || ' years')",
    "postgresql": "(due_on + make_interval(years => NEW.year - OLD.year))::date",
}


def _propagate(vendor: str) -> list[str]:
    due = SHIFTED_DUE[vendor]
    periods = "UPDATE work_scheduleperiod SET unit_id = NEW.unit_id, year = NEW.year, due_on = "
    return [
        periods + due + " WHERE plan_id = NEW.id",
        "UPDATE work_realisation SET unit_id = NEW.unit_id, year = NEW.year WHERE plan_id = NEW.id",
        "UPDATE work_evidence SET unit_id = NEW.unit_id WHERE plan_id = NEW.id",
    ]


def _sqlite_statements() -> list[str]:
    statements = []
    for table, name, condition in CHECKS:
        # SQLite has no IS NOT DISTINCT FROM before 3.39; "IS" is its null-safe equality.
        condition = condition.replace("IS NOT DISTINCT FROM", "IS")
        for event in ("INSERT", "UPDATE"):
            trigger = f"{name}_{event.lower()}"
            statements.append(f"DROP TRIGGER IF EXISTS {trigger}")
            statements.append(
                f"CREATE TRIGGER {trigger} BEFORE {event} ON {table} "
                f"WHEN NOT ({condition}) BEGIN "
                f"SELECT RAISE(ABORT, '{table}: copied plan, unit or year disagree'); END"
            )
    statements.append("DROP TRIGGER IF EXISTS work_plan_moves")
    statements.append(
        "CREATE TRIGGER work_plan_moves AFTER UPDATE OF unit_id, year ON plans_actionplan "
        "WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.year IS NOT NEW.year BEGIN "
        + "; ".join(_propagate("sqlite"))
        + "; END"
    )
    return statements


def _postgresql_statements() -> list[str]:
    statements = []
    for table, name, condition in CHECKS:
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF NOT ({condition}) THEN "
            f"RAISE EXCEPTION '%: copied plan, unit or year disagree', TG_TABLE_NAME "
            f"USING ERRCODE = '23514'; END IF; RETURN NEW; END $$"
        )
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        statements.append(
            f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()"
        )
    statements.append(
        "CREATE OR REPLACE FUNCTION work_plan_moves() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN " + "; ".join(_propagate("postgresql")) + "; RETURN NEW; END $$"
    )
    statements.append("DROP TRIGGER IF EXISTS work_plan_moves ON plans_actionplan")
    statements.append(
        "CREATE TRIGGER work_plan_moves AFTER UPDATE OF unit_id, year ON plans_actionplan "
        "FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id "
        "OR OLD.year IS DISTINCT FROM NEW.year) EXECUTE FUNCTION work_plan_moves()"
    )
    return statements


def install(connection) -> None:
    """Create or replace the triggers on ``connection`` (after the tables exist)."""
    tables = set(connection.introspection.table_names())
    needed = {"plans_actionplan", "work_scheduleperiod", "work_realisation", "work_evidence"}
    if not needed <= tables:
        return  # migrating to an earlier state: nothing to guard yet
    if connection.vendor == "postgresql":
        statements = _postgresql_statements()
    elif connection.vendor == "sqlite":
        statements = _sqlite_statements()
    else:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise NotImplementedError(connection.vendor)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_after_migrate(sender, using, **kwargs) -> None:
    from django.db import connections

    install(connections[using])
