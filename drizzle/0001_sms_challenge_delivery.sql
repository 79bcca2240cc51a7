ALTER TABLE "sms_challenges" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "sms_challenges_phone_idx" ON "sms_challenges" USING btree ("phone_e164","created_at");