// SQL shared by the public-alert loaders: which Alert rows a member of the public may see, and the
// instant each one stops being in force. Kept in SQL so that the feeds never load the whole archive.
//
// An alert's expiry is the latest `expires` over its info blocks; it never expires when it has no
// info block or when one of them names no expiry (the rule of notify/feeds/select-alerts.ts
// alertExpiresMs). Payloads are validated CapAlerts, whose times are `YYYY-MM-DDThh:mm:ss±hh:mm`;
// anything else is treated as "no expiry" rather than breaking the cast.

/** A CAP date-time as validateAlert writes it (guards the ::timestamptz cast). */
const CAP_TIME_RE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$'

const infoOf = (a: string) => `(CASE jsonb_typeof(${a}."payload"->'info') WHEN 'array' THEN ${a}."payload"->'info' ELSE '[]'::jsonb END)`

/** Expiry of alert `a` in epoch milliseconds (float8), NULL when it never expires. */
export const expiresMsSql = (a: string) => `
  CASE
    WHEN jsonb_array_length(${infoOf(a)}) = 0 THEN NULL
    WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(${infoOf(a)}) i
                  WHERE coalesce(i->>'expires', '') !~ '${CAP_TIME_RE}') THEN NULL
    ELSE (SELECT max(extract(epoch FROM (i->>'expires')::timestamptz))::float8 * 1000
            FROM jsonb_array_elements(${infoOf(a)}) i)
  END`

/**
 * Public alerts of a territory: Actual (never Exercise, Test, System or Draft) and scope Public.
 * `$1` is the territory id.
 */
export const publicAlertWhereSql = (a: string) =>
  `${a}."territoryId" = $1 AND ${a}."status" = 'Actual'::"AlertStatus" AND ${a}."payload"->>'scope' = 'Public'`
