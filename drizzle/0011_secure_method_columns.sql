ALTER TABLE "organizations" ADD COLUMN "secure_enrolled_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "has_secure_method" boolean DEFAULT false NOT NULL;