ALTER TABLE "oauth_artifacts" ADD COLUMN "account_id" text;--> statement-breakpoint
CREATE INDEX "oauth_artifacts_account_idx" ON "oauth_artifacts" USING btree ("account_id");