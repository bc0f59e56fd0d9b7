"""Published framework versions never change: triggers beneath the ORM and the admin.

A version that is published or retired rejects any change to its content and any
delete; its status only moves forward (published -> retired).
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION assessments_frameworkversion_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'framework version % (%) is % and cannot be deleted',
                OLD.version, OLD.id, OLD.status USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (
        NEW.definition IS DISTINCT FROM OLD.definition
        OR NEW.source IS DISTINCT FROM OLD.source
        OR NEW.version IS DISTINCT FROM OLD.version
        OR NEW.framework_id IS DISTINCT FROM OLD.framework_id
        OR NEW.published_at IS DISTINCT FROM OLD.published_at
        OR NEW.status = 'draft'
        OR (OLD.status = 'retired' AND NEW.status <> 'retired')
    ) THEN
        RAISE EXCEPTION 'framework version % (%) is % and immutable', OLD.version, OLD.id, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessments_frameworkversion_guard
    BEFORE UPDATE OR DELETE ON assessments_frameworkversion
    FOR EACH ROW EXECUTE FUNCTION assessments_frameworkversion_guard();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS assessments_frameworkversion_guard ON assessments_frameworkversion;
DROP FUNCTION IF EXISTS assessments_frameworkversion_guard();
"""
SQLITE_UP = [
    """
    CREATE TRIGGER assessments_frameworkversion_guard_update
    BEFORE UPDATE ON assessments_frameworkversion
    WHEN OLD.status <> 'draft' AND (
        NEW.definition IS NOT OLD.definition
        OR NEW.source IS NOT OLD.source
        OR NEW.version IS NOT OLD.version
        OR NEW.framework_id IS NOT OLD.framework_id
        OR NEW.published_at IS NOT OLD.published_at
        OR NEW.status = 'draft'
        OR (OLD.status = 'retired' AND NEW.status <> 'retired')
    )
    BEGIN
        SELECT RAISE(ABORT, 'framework version is published and immutable');
    END;
    """,
    """
    CREATE TRIGGER assessments_frameworkversion_guard_delete
    BEFORE DELETE ON assessments_frameworkversion
    WHEN OLD.status <> 'draft'
    BEGIN
        SELECT RAISE(ABORT, 'framework version is published and cannot be deleted');
    END;
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS assessments_frameworkversion_guard_update;",
    "DROP TRIGGER IF EXISTS assessments_frameworkversion_guard_delete;",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"No immutability trigger for database vendor {vendor!r}")


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
