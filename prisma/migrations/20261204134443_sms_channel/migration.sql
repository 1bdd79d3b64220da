-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "receiptAt" TIMESTAMP(3),
ADD COLUMN     "receiptParts" JSONB,
ADD COLUMN     "receiptStatus" TEXT;

-- CreateTable
CREATE TABLE "SmsSubscription" (
    "id" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "languages" TEXT[],
    "minSeverity" "AlertSeverity" NOT NULL DEFAULT 'Minor',
    "places" JSONB NOT NULL,
    "stopTokenHash" TEXT NOT NULL,
    "verifiedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSuccessAt" TIMESTAMP(3),

    CONSTRAINT "SmsSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SmsSubscriptionPlace" (
    "subscriptionId" TEXT NOT NULL,
    "idx" INTEGER NOT NULL,
    "cell" BIGINT NOT NULL,
    "lng" DOUBLE PRECISION NOT NULL,
    "lat" DOUBLE PRECISION NOT NULL,
    "minSeverity" "AlertSeverity" NOT NULL,
    "placeCount" INTEGER NOT NULL,

    CONSTRAINT "SmsSubscriptionPlace_pkey" PRIMARY KEY ("subscriptionId","idx")
);

-- CreateTable
CREATE TABLE "SmsVerification" (
    "id" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "choices" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SmsVerification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SmsSubscription_phone_key" ON "SmsSubscription"("phone");

-- CreateIndex
CREATE UNIQUE INDEX "SmsSubscription_stopTokenHash_key" ON "SmsSubscription"("stopTokenHash");

-- CreateIndex
CREATE INDEX "SmsSubscriptionPlace_cell_subscriptionId_idx_lng_lat_minSev_idx" ON "SmsSubscriptionPlace"("cell", "subscriptionId", "idx", "lng", "lat", "minSeverity", "placeCount");

-- CreateIndex
CREATE INDEX "SmsVerification_phone_createdAt_idx" ON "SmsVerification"("phone", "createdAt");

-- CreateIndex
CREATE INDEX "Delivery_channel_providerMessageId_idx" ON "Delivery"("channel", "providerMessageId");

-- AddForeignKey
ALTER TABLE "SmsSubscriptionPlace" ADD CONSTRAINT "SmsSubscriptionPlace_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "SmsSubscription"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- SmsSubscription.places is the truth; SmsSubscriptionPlace follows it on every insert and on every
-- update of places or minSeverity (deletes cascade), like SubscriptionPlace (decision 011).
CREATE FUNCTION "sargs_sync_sms_subscription_places"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM "SmsSubscriptionPlace" WHERE "subscriptionId" = OLD."id";
  END IF;
  INSERT INTO "SmsSubscriptionPlace" ("subscriptionId", "idx", "cell", "lng", "lat", "minSeverity", "placeCount")
  SELECT NEW."id", (p.i - 1)::int, "sargs_place_cell"((p.v->>0)::double precision, (p.v->>1)::double precision),
         (p.v->>0)::double precision, (p.v->>1)::double precision, NEW."minSeverity", jsonb_array_length(NEW."places")
    FROM jsonb_array_elements(NEW."places") WITH ORDINALITY AS p(v, i);
  RETURN NULL;
END $$;

CREATE TRIGGER "SmsSubscription_places_sync" AFTER INSERT OR UPDATE OF "places", "minSeverity" ON "SmsSubscription"
  FOR EACH ROW EXECUTE FUNCTION "sargs_sync_sms_subscription_places"();
