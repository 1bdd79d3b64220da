-- Decision 028: the foreign key Delivery.alertId → Alert.id is checked once per INSERT statement
-- instead of once per row. PostgreSQL's foreign key runs a lookup and a FOR KEY SHARE lock on the
-- Alert row for every inserted row: a third of the fan-out's insert (5–7 µs of 16–24 µs a row).
-- The fan-out inserts thousands of rows of one alert per statement, so the same guarantees are
-- kept with one check per statement:
--   - an INSERT whose rows name an alert that does not exist is refused (23503), as a whole;
--   - the alerts it names are locked FOR KEY SHARE, as the foreign key locks them, so that an
--     alert cannot be deleted between the check and the commit;
--   - an Alert that has deliveries cannot be deleted, nor its id changed (23503);
--   - a delivery's alertId never changes.
-- TRUNCATE is not guarded (the application never truncates; whoever may truncate can empty any table).
ALTER TABLE "Delivery" DROP CONSTRAINT "Delivery_alertId_fkey";

CREATE FUNCTION "sargs_delivery_alerts_exist"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  named integer;
  locked integer;
  missing text;
BEGIN
  SELECT count(DISTINCT "alertId") INTO named FROM "new_deliveries";
  IF named = 0 THEN
    RETURN NULL;
  END IF;
  -- an alert deleted by a transaction that committed meanwhile is not locked (READ COMMITTED skips it)
  PERFORM FROM "Alert" a WHERE a."id" IN (SELECT "alertId" FROM "new_deliveries") FOR KEY SHARE OF a;
  GET DIAGNOSTICS locked = ROW_COUNT;
  IF locked < named THEN
    SELECT n."alertId" INTO missing FROM "new_deliveries" n
     WHERE NOT EXISTS (SELECT FROM "Alert" a WHERE a."id" = n."alertId") LIMIT 1;
    RAISE EXCEPTION 'insert or update on table "Delivery" violates foreign key constraint "Delivery_alertId_fkey"'
      USING ERRCODE = '23503', DETAIL = format('Key ("alertId")=(%s) is not present in table "Alert".', missing),
            TABLE = 'Delivery', CONSTRAINT = 'Delivery_alertId_fkey';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Delivery_alerts_exist" AFTER INSERT ON "Delivery"
  REFERENCING NEW TABLE AS "new_deliveries"
  FOR EACH STATEMENT EXECUTE FUNCTION "sargs_delivery_alerts_exist"();

-- a delivery stays with its alert (fires only for an UPDATE that sets "alertId")
CREATE FUNCTION "sargs_delivery_alert_fixed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a delivery''s alert does not change (delivery %)', OLD."id"
    USING ERRCODE = '23503', TABLE = 'Delivery', CONSTRAINT = 'Delivery_alertId_fkey';
END
$$;

CREATE TRIGGER "Delivery_alert_fixed" BEFORE UPDATE OF "alertId" ON "Delivery"
  FOR EACH ROW WHEN (OLD."alertId" IS DISTINCT FROM NEW."alertId")
  EXECUTE FUNCTION "sargs_delivery_alert_fixed"();

-- ON DELETE RESTRICT: the row is locked before a BEFORE trigger runs, so an insert that locked
-- the alert FOR KEY SHARE has committed (its deliveries are seen here) or rolled back
CREATE FUNCTION "sargs_alert_without_deliveries"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT FROM "Delivery" d WHERE d."alertId" = OLD."id") THEN
    RAISE EXCEPTION 'update or delete on table "Alert" violates foreign key constraint "Delivery_alertId_fkey" on table "Delivery"'
      USING ERRCODE = '23503', DETAIL = format('Key ("id")=(%s) is still referenced from table "Delivery".', OLD."id"),
            TABLE = 'Alert', CONSTRAINT = 'Delivery_alertId_fkey';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "Alert_deliveries_restrict_delete" BEFORE DELETE ON "Alert"
  FOR EACH ROW EXECUTE FUNCTION "sargs_alert_without_deliveries"();
CREATE TRIGGER "Alert_deliveries_restrict_id" BEFORE UPDATE OF "id" ON "Alert"
  FOR EACH ROW WHEN (OLD."id" IS DISTINCT FROM NEW."id")
  EXECUTE FUNCTION "sargs_alert_without_deliveries"();
