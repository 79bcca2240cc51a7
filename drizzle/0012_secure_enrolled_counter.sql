-- Issue 18: "N of M members use a secure method" (an authenticator app or a passkey), read as one
-- row at any size, as 0005's counters. Two steps, each kept in the transaction of the change:
-- 1. users.has_secure_method follows the user's confirmed apps and passkeys. The trigger locks the
--    changed users' rows first, then decides in a new statement (a fresh snapshot under READ
--    COMMITTED): two transactions removing a member's app and passkey at once are judged one
--    after the other, the second seeing the first's change, so the flag ends false, not stale.
-- 2. organizations.secure_enrolled_count follows the flag and memberships, as enrolled_count does.
UPDATE "users" u SET "has_secure_method" = true
  WHERE EXISTS (SELECT 1 FROM "authenticator_apps" a WHERE a."user_id" = u."id" AND a."confirmed_at" IS NOT NULL)
     OR EXISTS (SELECT 1 FROM "passkeys" p WHERE p."user_id" = u."id");
--> statement-breakpoint
UPDATE "organizations" o SET "secure_enrolled_count" =
  (SELECT count(*) FROM "memberships" m JOIN "users" u ON u."id" = m."user_id" WHERE m."organization_id" = o."id" AND u."has_secure_method");
--> statement-breakpoint
CREATE FUNCTION c2fa_refresh_secure_method(user_ids text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- NO KEY UPDATE: it waits for another change of the same members, not for the key-share lock
  -- each insert of an app or passkey already holds on its user (their foreign key).
  PERFORM 1 FROM "users" WHERE "id" = ANY(user_ids) ORDER BY "id" FOR NO KEY UPDATE;
  UPDATE "users" u SET "has_secure_method" = s.secure
  FROM (SELECT x."id", EXISTS (SELECT 1 FROM "authenticator_apps" a WHERE a."user_id" = x."id" AND a."confirmed_at" IS NOT NULL)
                     OR EXISTS (SELECT 1 FROM "passkeys" p WHERE p."user_id" = x."id") AS secure
        FROM "users" x WHERE x."id" = ANY(user_ids)) s
  WHERE u."id" = s."id" AND u."has_secure_method" IS DISTINCT FROM s.secure;
END $$;
--> statement-breakpoint
CREATE FUNCTION c2fa_secure_method_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM c2fa_refresh_secure_method(ARRAY(SELECT DISTINCT "user_id" FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM c2fa_refresh_secure_method(ARRAY(SELECT DISTINCT "user_id" FROM old_rows));
  ELSE
    PERFORM c2fa_refresh_secure_method(ARRAY(SELECT "user_id" FROM new_rows UNION SELECT "user_id" FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "authenticator_apps_added_secure" AFTER INSERT ON "authenticator_apps"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION c2fa_secure_method_changed();
--> statement-breakpoint
CREATE TRIGGER "authenticator_apps_changed_secure" AFTER UPDATE ON "authenticator_apps"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION c2fa_secure_method_changed();
--> statement-breakpoint
CREATE TRIGGER "authenticator_apps_removed_secure" AFTER DELETE ON "authenticator_apps"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION c2fa_secure_method_changed();
--> statement-breakpoint
CREATE TRIGGER "passkeys_added_secure" AFTER INSERT ON "passkeys"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION c2fa_secure_method_changed();
--> statement-breakpoint
CREATE TRIGGER "passkeys_changed_secure" AFTER UPDATE ON "passkeys"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION c2fa_secure_method_changed();
--> statement-breakpoint
CREATE TRIGGER "passkeys_removed_secure" AFTER DELETE ON "passkeys"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION c2fa_secure_method_changed();
--> statement-breakpoint
CREATE FUNCTION c2fa_users_secure_method() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organizations" o SET "secure_enrolled_count" = greatest(o."secure_enrolled_count" + d.delta, 0)
  FROM (SELECT m."organization_id", sum(CASE WHEN n."has_secure_method" THEN 1 ELSE -1 END) AS delta
        FROM before_rows b JOIN after_rows n ON n."id" = b."id" JOIN "memberships" m ON m."user_id" = n."id"
        WHERE b."has_secure_method" <> n."has_secure_method"
        GROUP BY m."organization_id") d
  WHERE o."id" = d."organization_id" AND d.delta <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "users_secure_method_counts" AFTER UPDATE ON "users"
  REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION c2fa_users_secure_method();
--> statement-breakpoint
CREATE FUNCTION c2fa_memberships_secure_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organizations" o SET "secure_enrolled_count" = o."secure_enrolled_count" + d.secure
  FROM (SELECT a."organization_id", count(*) FILTER (WHERE u."has_secure_method") AS secure
        FROM added a JOIN "users" u ON u."id" = a."user_id" GROUP BY a."organization_id") d
  WHERE o."id" = d."organization_id" AND d.secure > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "memberships_added_secure_counts" AFTER INSERT ON "memberships"
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION c2fa_memberships_secure_added();
--> statement-breakpoint
CREATE FUNCTION c2fa_memberships_secure_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organizations" o SET "secure_enrolled_count" = greatest(o."secure_enrolled_count" - d.secure, 0)
  FROM (SELECT r."organization_id", count(*) FILTER (WHERE u."has_secure_method") AS secure
        FROM removed r JOIN "users" u ON u."id" = r."user_id" GROUP BY r."organization_id") d
  WHERE o."id" = d."organization_id" AND d.secure > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "memberships_removed_secure_counts" AFTER DELETE ON "memberships"
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION c2fa_memberships_secure_removed();
