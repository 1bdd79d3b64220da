-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('Actual', 'Exercise', 'Test', 'Draft');

-- CreateEnum
CREATE TYPE "AlertMsgType" AS ENUM ('Alert', 'Update', 'Cancel');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('PENDING', 'SENDING', 'SENT', 'FAILED', 'DEAD', 'CANCELLED');

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "identifier" TEXT NOT NULL,
    "status" "AlertStatus" NOT NULL,
    "msgType" "AlertMsgType" NOT NULL,
    "territoryId" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "area" JSONB NOT NULL,
    "createdById" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fanoutCursor" TEXT,
    "fanoutDoneAt" TIMESTAMP(3),

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PushSubscription" (
    "id" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "p256dh" TEXT NOT NULL,
    "auth" TEXT NOT NULL,
    "languages" TEXT[],
    "minSeverity" "AlertSeverity" NOT NULL DEFAULT 'Minor',
    "places" JSONB NOT NULL,
    "minLng" DOUBLE PRECISION NOT NULL,
    "minLat" DOUBLE PRECISION NOT NULL,
    "maxLng" DOUBLE PRECISION NOT NULL,
    "maxLat" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSuccessAt" TIMESTAMP(3),

    CONSTRAINT "PushSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" BIGSERIAL NOT NULL,
    "alertId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "recipientKey" TEXT NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseToken" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "lastError" TEXT,
    "providerMessageId" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryAttempt" (
    "id" BIGSERIAL NOT NULL,
    "deliveryId" BIGINT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "result" TEXT NOT NULL,
    "httpStatus" INTEGER,
    "detail" TEXT,

    CONSTRAINT "DeliveryAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelPause" (
    "channel" TEXT NOT NULL,
    "pausedUntil" TIMESTAMP(3) NOT NULL,
    "reason" TEXT,

    CONSTRAINT "ChannelPause_pkey" PRIMARY KEY ("channel")
);

-- CreateIndex
CREATE UNIQUE INDEX "Alert_identifier_key" ON "Alert"("identifier");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_idempotencyKey_key" ON "Alert"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Alert_fanoutDoneAt_createdAt_idx" ON "Alert"("fanoutDoneAt", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PushSubscription_endpoint_key" ON "PushSubscription"("endpoint");

-- CreateIndex
CREATE INDEX "PushSubscription_minLng_maxLng_minLat_maxLat_idx" ON "PushSubscription"("minLng", "maxLng", "minLat", "maxLat");

-- CreateIndex
CREATE INDEX "Delivery_channel_status_nextAttemptAt_id_idx" ON "Delivery"("channel", "status", "nextAttemptAt", "id");

-- CreateIndex
CREATE INDEX "Delivery_status_leaseExpiresAt_idx" ON "Delivery"("status", "leaseExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_alertId_channel_recipientKey_key" ON "Delivery"("alertId", "channel", "recipientKey");

-- CreateIndex
CREATE INDEX "DeliveryAttempt_deliveryId_id_idx" ON "DeliveryAttempt"("deliveryId", "id");

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "Alert"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryAttempt" ADD CONSTRAINT "DeliveryAttempt_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "Delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;
