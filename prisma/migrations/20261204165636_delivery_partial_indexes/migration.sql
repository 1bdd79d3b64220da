-- DropIndex
DROP INDEX "Delivery_channel_providerMessageId_idx";

-- DropIndex
DROP INDEX "Delivery_channel_status_nextAttemptAt_id_idx";

-- DropIndex
DROP INDEX "Delivery_status_leaseExpiresAt_idx";

-- CreateIndex
CREATE INDEX "Delivery_pending_due_idx" ON "Delivery"("channel", "nextAttemptAt", "id") WHERE (status = 'PENDING');

-- CreateIndex
CREATE INDEX "Delivery_sending_lease_idx" ON "Delivery"("leaseExpiresAt") WHERE (status = 'SENDING');

-- CreateIndex
CREATE INDEX "Delivery_dead_letter_idx" ON "Delivery"("id") WHERE (status = ANY (ARRAY['DEAD'::"DeliveryStatus", 'FAILED'::"DeliveryStatus"]));

-- CreateIndex
CREATE INDEX "Delivery_provider_message_idx" ON "Delivery"("channel", "providerMessageId") WHERE ("providerMessageId" IS NOT NULL);

-- Room on each page for the lastSuccessAt stamp (a column in no index) to be a HOT update: the
-- row version stays on its page and no index gets a new entry (decision 020). Applies to rows
-- written from now on; existing pages fill the room as rows move.
ALTER TABLE "PushSubscription" SET (fillfactor = 85);
ALTER TABLE "SmsSubscription" SET (fillfactor = 85);
