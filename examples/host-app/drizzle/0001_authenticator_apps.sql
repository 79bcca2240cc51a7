CREATE TABLE "authenticator_apps" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"secret_ciphertext" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone,
	"last_used_step" bigint,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "authenticator_apps" ADD CONSTRAINT "authenticator_apps_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "authenticator_apps_user_pending_idx" ON "authenticator_apps" USING btree ("user_id") WHERE confirmed_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "authenticator_apps_user_confirmed_idx" ON "authenticator_apps" USING btree ("user_id") WHERE confirmed_at is not null;