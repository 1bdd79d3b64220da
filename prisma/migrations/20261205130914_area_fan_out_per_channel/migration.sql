-- Decision 027: each area channel of an alert is fanned out on its own, so SMS no longer waits for
-- the whole web push selection. The single "channel|cursor" becomes one cursor per area channel
-- (true: that channel's area phase is done). Alerts in the middle of a fan-out keep their place:
-- the channels before the stored one (web push before SMS) are done.
ALTER TABLE "Alert" ADD COLUMN     "fanoutCursors" JSONB;

UPDATE "Alert" SET "fanoutCursors" = CASE
    WHEN "fanoutCursor" LIKE 'sms|%'
      THEN jsonb_build_object('webpush', true, 'sms', to_jsonb(NULLIF(substr("fanoutCursor", 5), '')))
    WHEN "fanoutCursor" LIKE 'webpush|%'
      THEN jsonb_build_object('webpush', to_jsonb(NULLIF(substr("fanoutCursor", 9), '')))
    -- a cursor from before SMS existed: the web push cursor alone
    ELSE jsonb_build_object('webpush', to_jsonb("fanoutCursor"))
  END
 WHERE "fanoutCursor" IS NOT NULL AND "fanoutDoneAt" IS NULL;

ALTER TABLE "Alert" DROP COLUMN "fanoutCursor";
