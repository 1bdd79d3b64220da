-- CreateEnum
CREATE TYPE "ReserveCategory" AS ENUM ('WATER', 'FOOD', 'SHELTER', 'HYGIENE', 'MEDICAL', 'ENERGY', 'FLOOD_PROTECTION', 'OTHER');

-- CreateEnum
CREATE TYPE "ReserveNormBasis" AS ENUM ('PERSON_DAY', 'PERSON');

-- CreateEnum
CREATE TYPE "StockMovementKind" AS ENUM ('RECEIPT', 'ISSUE', 'TRANSFER_OUT', 'TRANSFER_IN', 'WRITE_OFF', 'STOCKTAKE');

-- CreateTable
CREATE TABLE "Warehouse" (
    "id" TEXT NOT NULL,
    "territoryId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "lng" DOUBLE PRECISION NOT NULL,
    "lat" DOUBLE PRECISION NOT NULL,
    "responsibleName" TEXT NOT NULL DEFAULT '',
    "responsiblePhone" TEXT NOT NULL DEFAULT '',
    "responsibleEmail" TEXT NOT NULL DEFAULT '',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Warehouse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReserveItem" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "nameLv" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "nameRu" TEXT NOT NULL,
    "category" "ReserveCategory" NOT NULL,
    "unit" TEXT NOT NULL,
    "shelfLifeDays" INTEGER,
    "expiryWarningDays" INTEGER NOT NULL DEFAULT 30,
    "normQuantity" DECIMAL(10,3),
    "normBasis" "ReserveNormBasis",
    "active" BOOLEAN NOT NULL DEFAULT true,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReserveItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StockLot" (
    "id" TEXT NOT NULL,
    "warehouseId" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "expiresOn" DATE,
    "source" TEXT NOT NULL,
    "batchCode" TEXT NOT NULL DEFAULT '',
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "originLotId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StockLot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StockBalance" (
    "lotId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StockBalance_pkey" PRIMARY KEY ("lotId")
);

-- CreateTable
CREATE TABLE "StockMovement" (
    "id" BIGSERIAL NOT NULL,
    "operationId" TEXT NOT NULL,
    "kind" "StockMovementKind" NOT NULL,
    "lotId" TEXT NOT NULL,
    "warehouseId" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "targetKind" TEXT,
    "targetId" TEXT,
    "targetLabel" TEXT,
    "reason" TEXT,
    "counterpartWarehouseId" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StockMovement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MinimumLevel" (
    "warehouseId" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MinimumLevel_pkey" PRIMARY KEY ("warehouseId","itemId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Warehouse_territoryId_name_key" ON "Warehouse"("territoryId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ReserveItem_code_key" ON "ReserveItem"("code");

-- CreateIndex
CREATE INDEX "StockLot_warehouseId_itemId_expiresOn_idx" ON "StockLot"("warehouseId", "itemId", "expiresOn");

-- CreateIndex
CREATE INDEX "StockLot_itemId_idx" ON "StockLot"("itemId");

-- CreateIndex
CREATE INDEX "StockMovement_itemId_id_idx" ON "StockMovement"("itemId", "id");

-- CreateIndex
CREATE INDEX "StockMovement_warehouseId_itemId_id_idx" ON "StockMovement"("warehouseId", "itemId", "id");

-- CreateIndex
CREATE INDEX "StockMovement_lotId_id_idx" ON "StockMovement"("lotId", "id");

-- CreateIndex
CREATE INDEX "StockMovement_targetKind_targetId_idx" ON "StockMovement"("targetKind", "targetId");

-- CreateIndex
CREATE INDEX "StockMovement_operationId_idx" ON "StockMovement"("operationId");

-- AddForeignKey
ALTER TABLE "Warehouse" ADD CONSTRAINT "Warehouse_territoryId_fkey" FOREIGN KEY ("territoryId") REFERENCES "Territory"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockLot" ADD CONSTRAINT "StockLot_warehouseId_fkey" FOREIGN KEY ("warehouseId") REFERENCES "Warehouse"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockLot" ADD CONSTRAINT "StockLot_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "ReserveItem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockBalance" ADD CONSTRAINT "StockBalance_lotId_fkey" FOREIGN KEY ("lotId") REFERENCES "StockLot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockMovement" ADD CONSTRAINT "StockMovement_lotId_fkey" FOREIGN KEY ("lotId") REFERENCES "StockLot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockMovement" ADD CONSTRAINT "StockMovement_warehouseId_fkey" FOREIGN KEY ("warehouseId") REFERENCES "Warehouse"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockMovement" ADD CONSTRAINT "StockMovement_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "ReserveItem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MinimumLevel" ADD CONSTRAINT "MinimumLevel_warehouseId_fkey" FOREIGN KEY ("warehouseId") REFERENCES "Warehouse"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MinimumLevel" ADD CONSTRAINT "MinimumLevel_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "ReserveItem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Material reserves ledger (decision 010).
-- Signs and required fields per movement kind, checked by the database.
ALTER TABLE "StockMovement" ADD CONSTRAINT "StockMovement_quantity_sign" CHECK (
  CASE "kind"
    WHEN 'RECEIPT' THEN "quantity" > 0
    WHEN 'TRANSFER_IN' THEN "quantity" > 0
    WHEN 'ISSUE' THEN "quantity" < 0
    WHEN 'TRANSFER_OUT' THEN "quantity" < 0
    WHEN 'WRITE_OFF' THEN "quantity" < 0
    ELSE "quantity" <> 0
  END);
ALTER TABLE "StockMovement" ADD CONSTRAINT "StockMovement_issue_target" CHECK (
  "kind" <> 'ISSUE' OR ("targetKind" IS NOT NULL AND "targetLabel" IS NOT NULL));
ALTER TABLE "StockMovement" ADD CONSTRAINT "StockMovement_write_off_reason" CHECK (
  "kind" <> 'WRITE_OFF' OR "reason" IN ('EXPIRED', 'DAMAGED', 'LOST'));
ALTER TABLE "StockMovement" ADD CONSTRAINT "StockMovement_transfer_counterpart" CHECK (
  "kind" NOT IN ('TRANSFER_IN', 'TRANSFER_OUT') OR "counterpartWarehouseId" IS NOT NULL);
ALTER TABLE "StockBalance" ADD CONSTRAINT "StockBalance_not_negative" CHECK ("quantity" >= 0);
ALTER TABLE "MinimumLevel" ADD CONSTRAINT "MinimumLevel_not_negative" CHECK ("quantity" >= 0);

-- The balance of a lot is the sum of its movements, kept by the database in the transaction that
-- writes the movement: whoever inserts a movement moves the balance, and the CHECK above refuses
-- a movement that would take it below zero (the whole transaction fails).
CREATE FUNCTION "sargs_stock_movement_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  lot_warehouse text;
  lot_item text;
BEGIN
  SELECT "warehouseId", "itemId" INTO lot_warehouse, lot_item FROM "StockLot" WHERE id = NEW."lotId";
  IF lot_warehouse IS DISTINCT FROM NEW."warehouseId" OR lot_item IS DISTINCT FROM NEW."itemId" THEN
    RAISE EXCEPTION 'StockMovement % does not match its lot %', NEW.id, NEW."lotId" USING ERRCODE = '23514';
  END IF;
  INSERT INTO "StockBalance" ("lotId", "quantity", "updatedAt") VALUES (NEW."lotId", NEW."quantity", NEW."createdAt")
    ON CONFLICT ("lotId") DO UPDATE
      SET "quantity" = "StockBalance"."quantity" + EXCLUDED."quantity", "updatedAt" = EXCLUDED."updatedAt";
  RETURN NULL;
END
$$;
CREATE TRIGGER "StockMovement_apply" AFTER INSERT ON "StockMovement"
  FOR EACH ROW EXECUTE FUNCTION "sargs_stock_movement_apply"();

-- StockBalance is written only by that trigger: a direct INSERT/UPDATE/DELETE is refused.
CREATE FUNCTION "sargs_stock_balance_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'StockBalance is derived from StockMovement: % refused', TG_OP USING ERRCODE = '55000';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER "StockBalance_guard" BEFORE INSERT OR UPDATE OR DELETE ON "StockBalance"
  FOR EACH ROW EXECUTE FUNCTION "sargs_stock_balance_guard"();

-- The ledger and the lots are append-only (the same function as the incident and audit logs).
CREATE TRIGGER "StockMovement_append_only" BEFORE UPDATE OR DELETE ON "StockMovement"
  FOR EACH ROW EXECUTE FUNCTION sargs_append_only();
CREATE TRIGGER "StockMovement_no_truncate" BEFORE TRUNCATE ON "StockMovement"
  FOR EACH STATEMENT EXECUTE FUNCTION sargs_append_only();
CREATE TRIGGER "StockLot_append_only" BEFORE UPDATE OR DELETE ON "StockLot"
  FOR EACH ROW EXECUTE FUNCTION sargs_append_only();
CREATE TRIGGER "StockLot_no_truncate" BEFORE TRUNCATE ON "StockLot"
  FOR EACH STATEMENT EXECUTE FUNCTION sargs_append_only();
