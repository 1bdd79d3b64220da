-- DropIndex
DROP INDEX "Delivery_provider_message_idx";

-- CreateIndex
CREATE INDEX "Delivery_provider_message_idx" ON "Delivery"("channel", "providerMessageId") WHERE ("providerMessageId" IS NOT NULL) AND (channel = 'sms'::text);
