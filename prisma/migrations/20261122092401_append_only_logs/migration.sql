-- The incident event log and the audit log are append-only in the database itself, not only in
-- the application: UPDATE, DELETE and TRUNCATE are refused. The one allowed update is the
-- ON DELETE SET NULL of a log entry's author when that person's account is erased (nothing else
-- in the row may change). Tampering by someone who can disable triggers is what the audit hash
-- chain and `sargs audit verify` are for.
CREATE OR REPLACE FUNCTION sargs_append_only() RETURNS trigger AS $$
BEGIN
  -- nested IFs: plpgsql does not short-circuit AND, and AuditLog rows have no "authorId"
  IF TG_TABLE_NAME = 'IncidentLogEntry' AND TG_OP = 'UPDATE' THEN
    IF OLD."authorId" IS NOT NULL AND NEW."authorId" IS NULL
       AND (NEW.id, NEW."incidentId", NEW."occurredAt", NEW.body, NEW.significant, NEW."correctsId", NEW."createdAt")
           IS NOT DISTINCT FROM (OLD.id, OLD."incidentId", OLD."occurredAt", OLD.body, OLD.significant, OLD."correctsId", OLD."createdAt")
    THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = '55000';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "IncidentLogEntry_append_only" BEFORE UPDATE OR DELETE ON "IncidentLogEntry"
  FOR EACH ROW EXECUTE FUNCTION sargs_append_only();
CREATE TRIGGER "IncidentLogEntry_no_truncate" BEFORE TRUNCATE ON "IncidentLogEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION sargs_append_only();
CREATE TRIGGER "AuditLog_append_only" BEFORE UPDATE OR DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION sargs_append_only();
CREATE TRIGGER "AuditLog_no_truncate" BEFORE TRUNCATE ON "AuditLog"
  FOR EACH STATEMENT EXECUTE FUNCTION sargs_append_only();
