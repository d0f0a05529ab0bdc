import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The periodic session purge filters on revoked_at. */
export class SessionRevokedAtIndex1795852393543 implements MigrationInterface {
  name = 'SessionRevokedAtIndex1795852393543';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "sessions_revoked_at_idx" ON "sessions" ("revoked_at") WHERE "revoked_at" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."sessions_revoked_at_idx"`);
  }
}
