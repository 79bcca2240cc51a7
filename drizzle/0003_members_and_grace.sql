DROP INDEX "audit_events_subject_idx";--> statement-breakpoint
DROP INDEX "memberships_org_idx";--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "two_factor_grace_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "last_second_factor_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "audit_events_org_type_time_idx" ON "audit_events" USING btree ("organization_id","type","created_at");--> statement-breakpoint
CREATE INDEX "users_email_pattern_idx" ON "users" USING btree (lower("email") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "users_name_pattern_idx" ON "users" USING btree (lower("name") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "audit_events_subject_idx" ON "audit_events" USING btree ("subject_user_id","created_at");--> statement-breakpoint
CREATE INDEX "memberships_org_idx" ON "memberships" USING btree ("organization_id","user_id");