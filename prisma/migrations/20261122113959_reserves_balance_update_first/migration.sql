-- The first version of sargs_stock_movement_apply used INSERT ... ON CONFLICT DO UPDATE. PostgreSQL
-- checks CHECK constraints on the row proposed for insertion before it looks for the conflict, so
-- any outgoing movement (negative quantity) was refused by StockBalance_not_negative even when the
-- lot held enough. Update the existing balance first; only a lot's first movement inserts it.
CREATE OR REPLACE FUNCTION "sargs_stock_movement_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  lot_warehouse text;
  lot_item text;
BEGIN
  SELECT "warehouseId", "itemId" INTO lot_warehouse, lot_item FROM "StockLot" WHERE id = NEW."lotId";
  IF lot_warehouse IS DISTINCT FROM NEW."warehouseId" OR lot_item IS DISTINCT FROM NEW."itemId" THEN
    RAISE EXCEPTION 'StockMovement % does not match its lot %', NEW.id, NEW."lotId" USING ERRCODE = '23514';
  END IF;
  UPDATE "StockBalance" SET "quantity" = "quantity" + NEW."quantity", "updatedAt" = NEW."createdAt"
   WHERE "lotId" = NEW."lotId";
  IF NOT FOUND THEN
    INSERT INTO "StockBalance" ("lotId", "quantity", "updatedAt") VALUES (NEW."lotId", NEW."quantity", NEW."createdAt");
  END IF;
  RETURN NULL;
END
$$;

-- A CHECK passes when it evaluates to NULL: "reason IN (...)" with no reason let a write-off
-- without a reason through. Require the reason explicitly.
ALTER TABLE "StockMovement" DROP CONSTRAINT "StockMovement_write_off_reason";
ALTER TABLE "StockMovement" ADD CONSTRAINT "StockMovement_write_off_reason" CHECK (
  "kind" <> 'WRITE_OFF' OR ("reason" IS NOT NULL AND "reason" IN ('EXPIRED', 'DAMAGED', 'LOST')));
