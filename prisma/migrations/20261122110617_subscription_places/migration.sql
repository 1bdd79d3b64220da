-- CreateTable
CREATE TABLE "SubscriptionPlace" (
    "subscriptionId" TEXT NOT NULL,
    "idx" INTEGER NOT NULL,
    "cell" BIGINT NOT NULL,
    "lng" DOUBLE PRECISION NOT NULL,
    "lat" DOUBLE PRECISION NOT NULL,
    "minSeverity" "AlertSeverity" NOT NULL,
    "placeCount" INTEGER NOT NULL,

    CONSTRAINT "SubscriptionPlace_pkey" PRIMARY KEY ("subscriptionId","idx")
);

-- CreateIndex
CREATE INDEX "SubscriptionPlace_cell_subscriptionId_idx_lng_lat_minSeveri_idx" ON "SubscriptionPlace"("cell", "subscriptionId", "idx", "lng", "lat", "minSeverity", "placeCount");

-- AddForeignKey
ALTER TABLE "SubscriptionPlace" ADD CONSTRAINT "SubscriptionPlace_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "PushSubscription"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Targeting index (decision 009): the grid cell of a place. Rows of 0.01° latitude, columns of
-- 0.02° longitude (about 1.1 × 1.2 km in Latvia); row-major, so the cells of one row of a
-- bounding box are one key range. notify/targeting/grid.ts computes the same key.
CREATE FUNCTION "sargs_place_cell"(lng double precision, lat double precision) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT floor((lat + 90) / 0.01)::bigint * 65536 + floor((lng + 180) / 0.02)::bigint $$;

-- PushSubscription.places is the truth; SubscriptionPlace follows it on every insert and on every
-- update of places or minSeverity (deletes cascade), whoever writes the subscription.
CREATE FUNCTION "sargs_sync_subscription_places"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM "SubscriptionPlace" WHERE "subscriptionId" = OLD."id";
  END IF;
  INSERT INTO "SubscriptionPlace" ("subscriptionId", "idx", "cell", "lng", "lat", "minSeverity", "placeCount")
  SELECT NEW."id", (p.i - 1)::int, "sargs_place_cell"((p.v->>0)::double precision, (p.v->>1)::double precision),
         (p.v->>0)::double precision, (p.v->>1)::double precision, NEW."minSeverity", jsonb_array_length(NEW."places")
    FROM jsonb_array_elements(NEW."places") WITH ORDINALITY AS p(v, i);
  RETURN NULL;
END $$;

CREATE TRIGGER "PushSubscription_places_sync" AFTER INSERT OR UPDATE OF "places", "minSeverity" ON "PushSubscription"
  FOR EACH ROW EXECUTE FUNCTION "sargs_sync_subscription_places"();

-- existing subscriptions
INSERT INTO "SubscriptionPlace" ("subscriptionId", "idx", "cell", "lng", "lat", "minSeverity", "placeCount")
SELECT s."id", (p.i - 1)::int, "sargs_place_cell"((p.v->>0)::double precision, (p.v->>1)::double precision),
       (p.v->>0)::double precision, (p.v->>1)::double precision, s."minSeverity", jsonb_array_length(s."places")
  FROM "PushSubscription" s, jsonb_array_elements(s."places") WITH ORDINALITY AS p(v, i);
