import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764316800000 implements MigrationInterface {
  name = 'InitialSchema1764316800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
    CREATE TABLE "users" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "email" character varying(254) NOT NULL,
    "name" character varying(100),
    "password_hash" character varying(255) NOT NULL,
    "email_verified" boolean NOT NULL DEFAULT false,
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    CONSTRAINT "users_email_lowercase" CHECK ("email" = lower("email")),
    CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
    )
    `);
    await queryRunner.query(`
    CREATE UNIQUE INDEX "users_email_key" ON "users" ("email")
    `);
    await queryRunner.query(`
    CREATE TABLE "sessions" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "user_id" uuid NOT NULL,
    "refresh_generation" integer NOT NULL DEFAULT '0',
    "refresh_issued_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "user_agent" character varying(512),
    "ip" character varying(64),
    "revoked_at" TIMESTAMP WITH TIME ZONE,
    "revoked_reason" character varying(32),
    CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id")
    )
    `);
    await queryRunner.query(`
    CREATE INDEX "sessions_expires_at_idx" ON "sessions" ("expires_at")
    `);
    await queryRunner.query(`
    CREATE INDEX "sessions_user_id_idx" ON "sessions" ("user_id")
    `);
    await queryRunner.query(`
    CREATE TABLE "user_tokens" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "user_id" uuid NOT NULL,
    "purpose" character varying(32) NOT NULL,
    "token_hash" character(64) NOT NULL,
    "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "used_at" TIMESTAMP WITH TIME ZONE,
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    CONSTRAINT "PK_63764db9d9aaa4af33e07b2f4bf" PRIMARY KEY ("id")
    )
    `);
    await queryRunner.query(`
    CREATE UNIQUE INDEX "user_tokens_token_hash_key" ON "user_tokens" ("token_hash")
    `);
    await queryRunner.query(`
    CREATE INDEX "user_tokens_user_purpose_idx" ON "user_tokens" ("user_id", "purpose")
    `);
    await queryRunner.query(`
    CREATE TABLE "mail_outbox" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "recipient" character varying(254) NOT NULL,
    "subject" character varying(255) NOT NULL,
    "text_body" text,
    "html_body" text,
    "attempts" integer NOT NULL DEFAULT '0',
    "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "sent_at" TIMESTAMP WITH TIME ZONE,
    "last_error" character varying(500),
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    CONSTRAINT "PK_fecc63c96385bc35a39ccf2a72e" PRIMARY KEY ("id")
    )
    `);
    await queryRunner.query(`
    CREATE INDEX "mail_outbox_pending_idx" ON "mail_outbox" ("next_attempt_at")
    WHERE "sent_at" IS NULL
    `);
    await queryRunner.query(`
    CREATE INDEX "mail_outbox_recipient_created_idx" ON "mail_outbox" ("recipient", "created_at")
    `);
    await queryRunner.query(`
    CREATE TABLE "idempotency_keys" (
    "owner_id" uuid NOT NULL,
    "key" character varying(255) NOT NULL,
    "fingerprint" character(64) NOT NULL,
    "response_status" integer NOT NULL,
    "response_body" jsonb NOT NULL,
    "response_location" character varying(500),
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT "PK_927e4a7018cbe5a6068f7f259f8" PRIMARY KEY ("owner_id", "key")
    )
    `);
    await queryRunner.query(`
    CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys" ("expires_at")
    `);
    await queryRunner.query(`
    CREATE TYPE "public"."task_priority" AS ENUM('low', 'medium', 'high')
    `);
    await queryRunner.query(`
    CREATE TABLE "tasks" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "owner_id" uuid NOT NULL,
    "title" character varying(200) NOT NULL,
    "description" character varying(2000),
    "completed" boolean NOT NULL DEFAULT false,
    "completed_at" TIMESTAMP WITH TIME ZONE,
    "priority" "public"."task_priority" NOT NULL DEFAULT 'medium',
    "due_date" TIMESTAMP WITH TIME ZONE,
    "version" integer NOT NULL DEFAULT '1',
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    CONSTRAINT "PK_8d12ff38fcc62aaba2cab748772" PRIMARY KEY ("id")
    )
    `);
    await queryRunner.query(`
    CREATE INDEX "tasks_owner_priority_idx" ON "tasks" ("owner_id", "priority", "id")
    `);
    await queryRunner.query(`
    CREATE INDEX "tasks_owner_due_idx" ON "tasks" ("owner_id", "due_date", "id")
    `);
    await queryRunner.query(`
    CREATE INDEX "tasks_owner_updated_idx" ON "tasks" ("owner_id", "updated_at", "id")
    `);
    await queryRunner.query(`
    CREATE INDEX "tasks_owner_created_idx" ON "tasks" ("owner_id", "created_at", "id")
    `);
    // Expression index for case-insensitive title sorting; TypeORM cannot describe it (synchronize: false).
    await queryRunner.query(`CREATE INDEX "tasks_owner_title_idx" ON "tasks" ("owner_id", lower("title"), "id")`);
    await queryRunner.query(`
    ALTER TABLE "sessions"
    ADD CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
    `);
    await queryRunner.query(`
    ALTER TABLE "user_tokens"
    ADD CONSTRAINT "FK_9e144a67be49e5bba91195ef5de" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
    `);
    await queryRunner.query(`
    ALTER TABLE "idempotency_keys"
    ADD CONSTRAINT "FK_5e6e02e74bb6a33ef30b6488f64" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
    `);
    await queryRunner.query(`
    ALTER TABLE "tasks"
    ADD CONSTRAINT "FK_0631c1eb8316f8af361cf14eb85" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
    ALTER TABLE "tasks" DROP CONSTRAINT "FK_0631c1eb8316f8af361cf14eb85"
    `);
    await queryRunner.query(`
    ALTER TABLE "idempotency_keys" DROP CONSTRAINT "FK_5e6e02e74bb6a33ef30b6488f64"
    `);
    await queryRunner.query(`
    ALTER TABLE "user_tokens" DROP CONSTRAINT "FK_9e144a67be49e5bba91195ef5de"
    `);
    await queryRunner.query(`
    ALTER TABLE "sessions" DROP CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19"
    `);
    await queryRunner.query(`
    DROP INDEX "public"."tasks_owner_created_idx"
    `);
    await queryRunner.query(`
    DROP INDEX "public"."tasks_owner_updated_idx"
    `);
    await queryRunner.query(`
    DROP INDEX "public"."tasks_owner_due_idx"
    `);
    await queryRunner.query(`
    DROP INDEX "public"."tasks_owner_priority_idx"
    `);
    await queryRunner.query(`DROP INDEX "public"."tasks_owner_title_idx"`);
    await queryRunner.query(`
    DROP TABLE "tasks"
    `);
    await queryRunner.query(`
    DROP TYPE "public"."task_priority"
    `);
    await queryRunner.query(`
    DROP INDEX "public"."idempotency_keys_expires_at_idx"
    `);
    await queryRunner.query(`
    DROP TABLE "idempotency_keys"
    `);
    await queryRunner.query(`
    DROP INDEX "public"."mail_outbox_recipient_created_idx"
    `);
    await queryRunner.query(`
    DROP INDEX "public"."mail_outbox_pending_idx"
    `);
    await queryRunner.query(`
    DROP TABLE "mail_outbox"
    `);
    await queryRunner.query(`
    DROP INDEX "public"."user_tokens_user_purpose_idx"
    `);
    await queryRunner.query(`
    DROP INDEX "public"."user_tokens_token_hash_key"
    `);
    await queryRunner.query(`
    DROP TABLE "user_tokens"
    `);
    await queryRunner.query(`
    DROP INDEX "public"."sessions_user_id_idx"
    `);
    await queryRunner.query(`
    DROP INDEX "public"."sessions_expires_at_idx"
    `);
    await queryRunner.query(`
    DROP TABLE "sessions"
    `);
    await queryRunner.query(`
    DROP INDEX "public"."users_email_key"
    `);
    await queryRunner.query(`
    DROP TABLE "users"
    `);
  }
}
