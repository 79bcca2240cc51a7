CREATE TABLE "ended_sessions" (
	"user_id" text NOT NULL,
	"auth_time" bigint NOT NULL,
	"ended_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ended_sessions_user_id_auth_time_pk" PRIMARY KEY("user_id","auth_time")
);
--> statement-breakpoint
ALTER TABLE "ended_sessions" ADD CONSTRAINT "ended_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;