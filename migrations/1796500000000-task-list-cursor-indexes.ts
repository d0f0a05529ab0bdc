import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dueDate orders of the task list sort by coalesce(due_date, ±infinity) so tasks without a
 * dueDate come last both ways and a cursor page is one index range: one index per direction
 * (the ascending one is scanned forwards, the descending one backwards). They replace the plain
 * (owner_id, due_date, id) index, which served only the ascending order.
 */
export class TaskListCursorIndexes1796500000000 implements MigrationInterface {
  name = 'TaskListCursorIndexes1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "tasks_owner_due_asc_idx" ON "tasks" ("owner_id", COALESCE("due_date", 'infinity'::timestamptz), "id")`);
    await queryRunner.query(`CREATE INDEX "tasks_owner_due_desc_idx" ON "tasks" ("owner_id", COALESCE("due_date", '-infinity'::timestamptz), "id")`);
    await queryRunner.query(`DROP INDEX "public"."tasks_owner_due_idx"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "tasks_owner_due_idx" ON "tasks" ("owner_id", "due_date", "id")`);
    await queryRunner.query(`DROP INDEX "public"."tasks_owner_due_desc_idx"`);
    await queryRunner.query(`DROP INDEX "public"."tasks_owner_due_asc_idx"`);
  }
}
