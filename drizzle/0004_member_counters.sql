ALTER TABLE "organizations" ADD COLUMN "member_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "enrolled_count" integer DEFAULT 0 NOT NULL;