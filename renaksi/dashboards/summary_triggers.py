"""Database triggers that log which plans' summaries (models.PlanSummary) are out of date.

Every INSERT, UPDATE or DELETE of a schedule period, a realisation or an evidence item adds
the row's plan id (both the old and the new one on an update) to ``dashboards_summarychange``,
whatever wrote it: a service, a bulk writer (generate_national, sync_plan_periods' bulk
statements), the importer, a raw statement. The dashboards recompute those plans before they
read the summaries (summary.ensure_fresh), so a summary is never read out of date.

PostgreSQL: statement-level triggers with transition tables, one log row per plan and
statement (a bulk insert of 2,000 periods of three plans logs three rows). SQLite (development
and the tests): row-level triggers. Installed after every ``migrate`` like the work app's
triggers (renaksi/work/triggers.py: SQLite drops a table's triggers when a migration rebuilds
it), idempotently.
"""

from __future__ import annotations

TABLES = ("work_scheduleperiod", "work_realisation", "work_evidence")
LOG = "dashboards_summarychange"


def _sqlite_statements() -> list[str]:
    statements = []
    for table in TABLES:
        name = f"dashboards_stale_{table}"
        rows = {
            "insert": "INSERT INTO dashboards_summarychange (plan_id) VALUES (NEW.plan_id);",
            "update": "INSERT INTO dashboards_summarychange (plan_id) VALUES (NEW.plan_id); "
            "INSERT INTO dashboards_summarychange (plan_id) SELECT OLD.plan_id "
            "WHERE OLD.plan_id IS NOT NEW.plan_id;",
            "delete": "INSERT INTO dashboards_summarychange (plan_id) VALUES (OLD.plan_id);",
        }
        for event, body in rows.items():
            trigger = f"{name}_{event}"
            statements.append(f"DROP TRIGGER IF EXISTS {trigger}")
            statements.append(
                f"CREATE TRIGGER {trigger} AFTER {event.upper()} ON {table} BEGIN {body} END"
            )
    return statements


def _postgresql_statements() -> list[str]:
    bodies = {
        "insert": "INSERT INTO dashboards_summarychange (plan_id) "
        "SELECT DISTINCT plan_id FROM new_rows",
        "update": "INSERT INTO dashboards_summarychange (plan_id) SELECT plan_id FROM new_rows "
        "UNION SELECT plan_id FROM old_rows",
        "delete": "INSERT INTO dashboards_summarychange (plan_id) "
        "SELECT DISTINCT plan_id FROM old_rows",
    }
    referencing = {
        "insert": "REFERENCING NEW TABLE AS new_rows",
        "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "REFERENCING OLD TABLE AS old_rows",
    }
    statements = []
    for event, body in bodies.items():
        function = f"dashboards_stale_{event}"
        statements.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body}; RETURN NULL; END $$"
        )
        for table in TABLES:
            trigger = f"dashboards_stale_{event}"
            statements.append(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
            statements.append(
                f"CREATE TRIGGER {trigger} AFTER {event.upper()} ON {table} "
                f"{referencing[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
    return statements


def install(connection) -> None:
    """Create or replace the triggers on ``connection`` (after the tables exist)."""
    tables = set(connection.introspection.table_names())
    if not {*TABLES, LOG} <= tables:
        return  # migrating to an earlier state
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
