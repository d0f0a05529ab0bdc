import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The key rings that sign access and refresh tokens (rotation, revocation, JWKS). */
export class SigningKeys1796300000000 implements MigrationInterface {
  name = 'SigningKeys1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "signing_keys" ("kid" character varying(64) NOT NULL, "purpose" character varying(16) NOT NULL, "algorithm" character varying(8) NOT NULL, "state" character varying(16) NOT NULL, "public_jwk" jsonb, "private_key" text NOT NULL, "legacy" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "activated_at" TIMESTAMP WITH TIME ZONE, "deactivated_at" TIMESTAMP WITH TIME ZONE, "verify_until" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_signing_keys_kid" PRIMARY KEY ("kid"))`,
    );
    await queryRunner.query(`CREATE INDEX "signing_keys_purpose_state_idx" ON "signing_keys" ("purpose", "state")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "signing_keys_one_current_idx" ON "signing_keys" ("purpose") WHERE "state" = 'current'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."signing_keys_one_current_idx"`);
    await queryRunner.query(`DROP INDEX "public"."signing_keys_purpose_state_idx"`);
    await queryRunner.query(`DROP TABLE "signing_keys"`);
  }
}
