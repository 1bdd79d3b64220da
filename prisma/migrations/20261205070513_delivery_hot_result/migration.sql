-- Decision 024: writing a send's result is a HOT update. No index on "Delivery" names a column
-- that the result write changes: the pending index is keyed on "nextAttemptAt" (null unless
-- PENDING), the dead-letter index on "failedAt" (null unless DEAD or FAILED), SMS receipts on
-- "receiptKey", and open leases are found through "DeliveryLease" instead of an index of SENDING
-- rows. Half of each page is left free for the row's next version.

-- DropIndex
DROP INDEX "Delivery_dead_letter_idx";

-- DropIndex
DROP INDEX "Delivery_pending_due_idx";

-- DropIndex
DROP INDEX "Delivery_provider_message_idx";

-- DropIndex
DROP INDEX "Delivery_sending_lease_idx";

-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "failedAt" TIMESTAMP(3),
ADD COLUMN     "receiptKey" TEXT,
ALTER COLUMN "nextAttemptAt" DROP NOT NULL;

-- the existing rows, by the new rules
UPDATE "Delivery" SET "nextAttemptAt" = NULL WHERE "status" <> 'PENDING';
UPDATE "Delivery" SET "leaseToken" = NULL WHERE "status" = 'PENDING' AND "leaseToken" IS NOT NULL;
UPDATE "Delivery" SET "failedAt" = "updatedAt" WHERE "status" IN ('DEAD', 'FAILED');
UPDATE "Delivery" SET "receiptKey" = "providerMessageId" WHERE "channel" = 'sms' AND "providerMessageId" IS NOT NULL;

ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_next_attempt_only_pending" CHECK (("status" = 'PENDING') = ("nextAttemptAt" IS NOT NULL));
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_pending_without_lease" CHECK ("status" <> 'PENDING' OR "leaseToken" IS NULL);
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_failed_at_only_failed" CHECK (("status" IN ('DEAD', 'FAILED')) = ("failedAt" IS NOT NULL));
ALTER TABLE "Delivery" SET (fillfactor = 50);

-- CreateTable
CREATE TABLE "DeliveryLease" (
    "token" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeliveryLease_pkey" PRIMARY KEY ("token")
);

-- the leases open now
INSERT INTO "DeliveryLease" ("token", "channel", "claimedAt", "expiresAt")
SELECT "leaseToken", min("channel"), now(), COALESCE(min("leaseExpiresAt"), now())
  FROM "Delivery" WHERE "status" = 'SENDING' AND "leaseToken" IS NOT NULL GROUP BY "leaseToken";

-- CreateIndex
CREATE INDEX "DeliveryLease_expiresAt_idx" ON "DeliveryLease"("expiresAt");

-- CreateIndex
CREATE INDEX "Delivery_pending_due_idx" ON "Delivery"("channel", "nextAttemptAt", "id") WHERE (("nextAttemptAt" IS NOT NULL) AND ("leaseToken" IS NULL));

-- CreateIndex
CREATE INDEX "Delivery_lease_token_idx" ON "Delivery"("leaseToken") WHERE ("leaseToken" IS NOT NULL);

-- CreateIndex
CREATE INDEX "Delivery_dead_letter_idx" ON "Delivery"("id") WHERE ("failedAt" IS NOT NULL);

-- CreateIndex
CREATE INDEX "Delivery_receipt_key_idx" ON "Delivery"("receiptKey") WHERE ("receiptKey" IS NOT NULL);
