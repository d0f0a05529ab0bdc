import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The changes feed: a per-user change counter, each task's latest change number, and tombstones
 * for deleted tasks. Existing tasks are numbered per owner in the order they were last written.
 */
export class TaskChangeLog1796200000000 implements MigrationInterface {
  name = 'TaskChangeLog1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "task_change_counters" ("owner_id" uuid NOT NULL, "last_seq" bigint NOT NULL DEFAULT '0', "purged_seq" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_a07f3e044ca53bb43d27a8d5f56" PRIMARY KEY ("owner_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "task_tombstones" ("owner_id" uuid NOT NULL, "seq" bigint NOT NULL, "task_id" uuid NOT NULL, "deleted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_820e50df56f5830d42e96cc9ddb" PRIMARY KEY ("owner_id", "seq"))`,
    );
    await queryRunner.query(`CREATE INDEX "task_tombstones_deleted_at_idx" ON "task_tombstones" ("deleted_at")`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "change_seq" bigint`);
    await queryRunner.query(
      `UPDATE "tasks" SET "change_seq" = numbered.seq
         FROM (SELECT "id", row_number() OVER (PARTITION BY "owner_id" ORDER BY "updated_at", "id") AS seq FROM "tasks") AS numbered
        WHERE numbered."id" = "tasks"."id"`,
    );
    await queryRunner.query(`ALTER TABLE "tasks" ALTER COLUMN "change_seq" SET NOT NULL`);
    await queryRunner.query(`INSERT INTO "task_change_counters" ("owner_id", "last_seq") SELECT "owner_id", max("change_seq") FROM "tasks" GROUP BY "owner_id"`);
    await queryRunner.query(`CREATE INDEX "tasks_owner_change_seq_idx" ON "tasks" ("owner_id", "change_seq")`);
    // TaskRepository sets change_seq itself; a row inserted around it (a seeding script, a test) takes its number here.
    await queryRunner.query(`
      CREATE FUNCTION "tasks_take_change_seq"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.change_seq IS NULL THEN
          INSERT INTO task_change_counters (owner_id, last_seq) VALUES (NEW.owner_id, 1)
            ON CONFLICT (owner_id) DO UPDATE SET last_seq = task_change_counters.last_seq + 1
            RETURNING last_seq INTO NEW.change_seq;
          PERFORM pg_notify('task_changes', NEW.owner_id::text);
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "tasks_change_seq" BEFORE INSERT ON "tasks" FOR EACH ROW EXECUTE FUNCTION "tasks_take_change_seq"()`);
    await queryRunner.query(
      `ALTER TABLE "task_change_counters" ADD CONSTRAINT "FK_a07f3e044ca53bb43d27a8d5f56" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "task_tombstones" ADD CONSTRAINT "FK_6957329f7f61734446fb1233725" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "task_tombstones" DROP CONSTRAINT "FK_6957329f7f61734446fb1233725"`);
    await queryRunner.query(`ALTER TABLE "task_change_counters" DROP CONSTRAINT "FK_a07f3e044ca53bb43d27a8d5f56"`);
    await queryRunner.query(`DROP TRIGGER "tasks_change_seq" ON "tasks"`);
    await queryRunner.query(`DROP FUNCTION "tasks_take_change_seq"()`);
    await queryRunner.query(`DROP INDEX "public"."tasks_owner_change_seq_idx"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "change_seq"`);
    await queryRunner.query(`DROP INDEX "public"."task_tombstones_deleted_at_idx"`);
    await queryRunner.query(`DROP TABLE "task_tombstones"`);
    await queryRunner.query(`DROP TABLE "task_change_counters"`);
  }
}
