import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Authentication events: a user's activity page (user_id, id) and the 90-day purge (created_at). */
export class SecurityEvents1796100000000 implements MigrationInterface {
  name = 'SecurityEvents1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
    CREATE TABLE "security_events" (
    "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    "user_id" uuid,
    "type" character varying(40) NOT NULL,
    "reason" character varying(40),
    "ip" character varying(64),
    "user_agent" character varying(512),
    "request_id" character varying(128),
    "detail" jsonb,
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    CONSTRAINT "PK_6fc100d6700780737348df0d3ae" PRIMARY KEY ("id")
    )
    `);
    await queryRunner.query(`CREATE INDEX "security_events_created_at_idx" ON "security_events" ("created_at")`);
    await queryRunner.query(`CREATE INDEX "security_events_user_id_id_idx" ON "security_events" ("user_id", "id")`);
    await queryRunner.query(
      `ALTER TABLE "security_events" ADD CONSTRAINT "FK_d1891b273f5c77638d2149a9f0d" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "security_events" DROP CONSTRAINT "FK_d1891b273f5c77638d2149a9f0d"`);
    await queryRunner.query(`DROP INDEX "public"."security_events_user_id_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."security_events_created_at_idx"`);
    await queryRunner.query(`DROP TABLE "security_events"`);
  }
}
