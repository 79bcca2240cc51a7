-- Organization counters for "N of M members have set up two-step authentication", kept in the same
-- transaction as every change that moves them, so reading them costs one row at any size.
-- Statement-level triggers over transition tables: a bulk import of members is one UPDATE per
-- organization, not one per row.
UPDATE "organizations" o SET
  "member_count" = (SELECT count(*) FROM "memberships" m WHERE m."organization_id" = o."id"),
  "enrolled_count" = (SELECT count(*) FROM "memberships" m JOIN "users" u ON u."id" = m."user_id"
                      WHERE m."organization_id" = o."id" AND u."phone_verified_at" IS NOT NULL);
--> statement-breakpoint
CREATE FUNCTION c2fa_memberships_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organizations" o SET "member_count" = o."member_count" + d.members, "enrolled_count" = o."enrolled_count" + d.enrolled
  FROM (SELECT a."organization_id", count(*) AS members, count(u."phone_verified_at") AS enrolled
        FROM added a LEFT JOIN "users" u ON u."id" = a."user_id" GROUP BY a."organization_id") d
  WHERE o."id" = d."organization_id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "memberships_added_counts" AFTER INSERT ON "memberships"
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION c2fa_memberships_added();
--> statement-breakpoint
CREATE FUNCTION c2fa_memberships_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organizations" o SET "member_count" = greatest(o."member_count" - d.members, 0),
                               "enrolled_count" = greatest(o."enrolled_count" - d.enrolled, 0)
  FROM (SELECT r."organization_id", count(*) AS members, count(u."phone_verified_at") AS enrolled
        FROM removed r LEFT JOIN "users" u ON u."id" = r."user_id" GROUP BY r."organization_id") d
  WHERE o."id" = d."organization_id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "memberships_removed_counts" AFTER DELETE ON "memberships"
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION c2fa_memberships_removed();
--> statement-breakpoint
CREATE FUNCTION c2fa_users_enrollment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organizations" o SET "enrolled_count" = greatest(o."enrolled_count" + d.delta, 0)
  FROM (SELECT m."organization_id", sum(CASE WHEN n."phone_verified_at" IS NULL THEN -1 ELSE 1 END) AS delta
        FROM before_rows b JOIN after_rows n ON n."id" = b."id" JOIN "memberships" m ON m."user_id" = n."id"
        WHERE (b."phone_verified_at" IS NULL) <> (n."phone_verified_at" IS NULL)
        GROUP BY m."organization_id") d
  WHERE o."id" = d."organization_id" AND d.delta <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "users_enrollment_counts" AFTER UPDATE ON "users"
  REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION c2fa_users_enrollment();
