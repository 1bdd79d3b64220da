-- CreateEnum
CREATE TYPE "AlertDraftState" AS ENUM ('DRAFT', 'AWAITING_APPROVAL', 'ISSUED', 'REJECTED', 'DISCARDED');

-- CreateEnum
CREATE TYPE "AlertDraftSource" AS ENUM ('COMPOSER', 'CAP_API');

-- CreateEnum
CREATE TYPE "ApiTokenCapMode" AS ENUM ('ISSUE', 'DRAFT');

-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "approvedById" TEXT,
ADD COLUMN     "channels" TEXT[] DEFAULT ARRAY['webpush']::TEXT[],
ADD COLUMN     "referencedAlertIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "supersededAt" TIMESTAMP(3),
ADD COLUMN     "supersededById" TEXT;

-- CreateTable
CREATE TABLE "AlertDraft" (
    "id" TEXT NOT NULL,
    "territoryId" TEXT NOT NULL,
    "source" "AlertDraftSource" NOT NULL DEFAULT 'COMPOSER',
    "state" "AlertDraftState" NOT NULL DEFAULT 'DRAFT',
    "payload" JSONB NOT NULL,
    "namedAreaIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "channels" TEXT[] DEFAULT ARRAY['webpush']::TEXT[],
    "templateId" TEXT,
    "createdById" TEXT,
    "submittedById" TEXT,
    "submittedAt" TIMESTAMP(3),
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "rejectReason" TEXT,
    "apiTokenId" TEXT,
    "alertId" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertDraft_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "scopes" TEXT[],
    "capMode" "ApiTokenCapMode" NOT NULL DEFAULT 'DRAFT',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AlertDraft_alertId_key" ON "AlertDraft"("alertId");

-- CreateIndex
CREATE UNIQUE INDEX "AlertDraft_idempotencyKey_key" ON "AlertDraft"("idempotencyKey");

-- CreateIndex
CREATE INDEX "AlertDraft_state_createdAt_idx" ON "AlertDraft"("state", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_name_key" ON "ApiToken"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_secretHash_key" ON "ApiToken"("secretHash");

-- AddForeignKey
ALTER TABLE "AlertDraft" ADD CONSTRAINT "AlertDraft_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "Alert"("id") ON DELETE SET NULL ON UPDATE CASCADE;
