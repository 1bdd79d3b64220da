-- CreateEnum
CREATE TYPE "ShelterKind" AS ENUM ('CATEGORY_I', 'CATEGORY_II', 'CATEGORY_III', 'SHORT_STAY', 'EVACUATION_POINT', 'WARMING_COOLING_CENTRE');

-- CreateEnum
CREATE TYPE "ShelterStatus" AS ENUM ('STANDBY', 'OPENING', 'OPEN', 'FULL', 'CLOSED');

-- CreateEnum
CREATE TYPE "OccupancyDirection" AS ENUM ('IN', 'OUT');

-- CreateEnum
CREATE TYPE "OccupancySource" AS ENUM ('STAFF', 'QR');

-- CreateTable
CREATE TABLE "Shelter" (
    "id" TEXT NOT NULL,
    "territoryId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ShelterKind" NOT NULL,
    "address" TEXT NOT NULL,
    "lng" DOUBLE PRECISION NOT NULL,
    "lat" DOUBLE PRECISION NOT NULL,
    "capacityDay" INTEGER NOT NULL,
    "capacityNight" INTEGER NOT NULL,
    "stepFree" BOOLEAN NOT NULL DEFAULT false,
    "accessibleToilet" BOOLEAN NOT NULL DEFAULT false,
    "petsAllowed" BOOLEAN NOT NULL DEFAULT false,
    "powerBackup" BOOLEAN NOT NULL DEFAULT false,
    "water" BOOLEAN NOT NULL DEFAULT false,
    "heating" BOOLEAN NOT NULL DEFAULT false,
    "beds" BOOLEAN NOT NULL DEFAULT false,
    "firstAid" BOOLEAN NOT NULL DEFAULT false,
    "responsibleName" TEXT NOT NULL DEFAULT '',
    "responsiblePhone" TEXT NOT NULL DEFAULT '',
    "responsibleEmail" TEXT NOT NULL DEFAULT '',
    "openingProcedure" TEXT NOT NULL DEFAULT '',
    "status" "ShelterStatus" NOT NULL DEFAULT 'STANDBY',
    "statusChangedAt" TIMESTAMP(3),
    "incidentId" TEXT,
    "occupancy" INTEGER NOT NULL DEFAULT 0,
    "lastInspectionAt" TIMESTAMP(3),
    "lastInspectionFindings" TEXT NOT NULL DEFAULT '',
    "qrToken" TEXT NOT NULL,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shelter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShelterInspection" (
    "id" TEXT NOT NULL,
    "shelterId" TEXT NOT NULL,
    "inspectedAt" TIMESTAMP(3) NOT NULL,
    "inspectorName" TEXT NOT NULL,
    "findings" TEXT NOT NULL DEFAULT '',
    "actorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShelterInspection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShelterDefect" (
    "id" TEXT NOT NULL,
    "shelterId" TEXT NOT NULL,
    "inspectionId" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "taskId" TEXT,
    "resolvedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShelterDefect_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShelterOccupancyEntry" (
    "id" BIGSERIAL NOT NULL,
    "shelterId" TEXT NOT NULL,
    "direction" "OccupancyDirection" NOT NULL,
    "people" INTEGER NOT NULL,
    "source" "OccupancySource" NOT NULL,
    "occupancyAfter" INTEGER NOT NULL,
    "householdId" TEXT,
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShelterOccupancyEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShelterHousehold" (
    "id" TEXT NOT NULL,
    "shelterId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "needs" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "note" TEXT NOT NULL DEFAULT '',
    "checkedInAt" TIMESTAMP(3) NOT NULL,
    "checkedOutAt" TIMESTAMP(3),
    "erasedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShelterHousehold_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Shelter_qrToken_key" ON "Shelter"("qrToken");

-- CreateIndex
CREATE INDEX "Shelter_territoryId_status_idx" ON "Shelter"("territoryId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Shelter_territoryId_code_key" ON "Shelter"("territoryId", "code");

-- CreateIndex
CREATE INDEX "ShelterInspection_shelterId_inspectedAt_idx" ON "ShelterInspection"("shelterId", "inspectedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ShelterDefect_taskId_key" ON "ShelterDefect"("taskId");

-- CreateIndex
CREATE INDEX "ShelterDefect_shelterId_idx" ON "ShelterDefect"("shelterId");

-- CreateIndex
CREATE INDEX "ShelterOccupancyEntry_shelterId_id_idx" ON "ShelterOccupancyEntry"("shelterId", "id");

-- CreateIndex
CREATE INDEX "ShelterHousehold_shelterId_checkedOutAt_idx" ON "ShelterHousehold"("shelterId", "checkedOutAt");

-- AddForeignKey
ALTER TABLE "Shelter" ADD CONSTRAINT "Shelter_territoryId_fkey" FOREIGN KEY ("territoryId") REFERENCES "Territory"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Shelter" ADD CONSTRAINT "Shelter_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShelterInspection" ADD CONSTRAINT "ShelterInspection_shelterId_fkey" FOREIGN KEY ("shelterId") REFERENCES "Shelter"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShelterDefect" ADD CONSTRAINT "ShelterDefect_shelterId_fkey" FOREIGN KEY ("shelterId") REFERENCES "Shelter"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShelterDefect" ADD CONSTRAINT "ShelterDefect_inspectionId_fkey" FOREIGN KEY ("inspectionId") REFERENCES "ShelterInspection"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShelterOccupancyEntry" ADD CONSTRAINT "ShelterOccupancyEntry_shelterId_fkey" FOREIGN KEY ("shelterId") REFERENCES "Shelter"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShelterHousehold" ADD CONSTRAINT "ShelterHousehold_shelterId_fkey" FOREIGN KEY ("shelterId") REFERENCES "Shelter"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Shelters (decision 011): occupancy never negative, capacities and ledger counts sane, and the
-- occupancy ledger append-only in the database itself (sargs_append_only, migration
-- 20261122092401_append_only_logs).
ALTER TABLE "Shelter" ADD CONSTRAINT "Shelter_occupancy_not_negative" CHECK ("occupancy" >= 0);
ALTER TABLE "Shelter" ADD CONSTRAINT "Shelter_capacity_not_negative" CHECK ("capacityDay" >= 0 AND "capacityNight" >= 0);
ALTER TABLE "ShelterOccupancyEntry" ADD CONSTRAINT "ShelterOccupancyEntry_people_positive" CHECK ("people" > 0 AND "occupancyAfter" >= 0);
ALTER TABLE "ShelterHousehold" ADD CONSTRAINT "ShelterHousehold_size_positive" CHECK ("size" > 0);
CREATE TRIGGER "ShelterOccupancyEntry_append_only" BEFORE UPDATE OR DELETE ON "ShelterOccupancyEntry"
  FOR EACH ROW EXECUTE FUNCTION sargs_append_only();
CREATE TRIGGER "ShelterOccupancyEntry_no_truncate" BEFORE TRUNCATE ON "ShelterOccupancyEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION sargs_append_only();
