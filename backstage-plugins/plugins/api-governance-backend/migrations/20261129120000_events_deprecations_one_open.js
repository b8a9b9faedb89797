// @ts-check
/**
 * 1. The event outbox `governance_events`: one row per event, written in the same transaction as the
 *    change it reports; `governance_event_deliveries` records each publish. Both are append-only
 *    (triggers refuse UPDATE and DELETE, on SQLite and PostgreSQL): an event is "unpublished" while it
 *    has no delivery row.
 * 2. `governance_deprecations`: one deprecation per API entity.
 * 3. One open (requested / approved) promotion request per API and target environment: a partial
 *    unique index (SQLite and PostgreSQL both support `CREATE UNIQUE INDEX ... WHERE`).
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('governance_events', (t) => {
    t.increments('seq').primary();
    t.string('event_id', 128).notNullable().unique();
    t.string('topic', 128).notNullable();
    t.string('entity_ref', 512).notNullable().index();
    t.string('occurred_at', 40).notNullable();
    t.text('payload').notNullable();
  });
  await knex.schema.createTable('governance_event_deliveries', (t) => {
    t.string('event_id', 128).primary();
    t.string('published_at', 40).notNullable();
  });
  await knex.schema.createTable('governance_deprecations', (t) => {
    t.string('id', 64).primary();
    t.string('entity_ref', 512).notNullable().unique();
    t.text('reason').notNullable();
    t.string('sunset_date', 10);
    t.string('deprecated_by', 512).notNullable();
    t.string('deprecated_at', 40).notNullable();
    t.text('consumers').notNullable();
    t.text('notified_owners').notNullable();
  });
  await knex.raw(`CREATE UNIQUE INDEX governance_requests_one_open ON governance_requests (entity_ref, to_env) WHERE state IN ('requested', 'approved')`);
  const client = String(knex.client.config.client);
  const pg = client === 'pg' || client.includes('postgres');
  if (pg) {
    await knex.raw(`CREATE OR REPLACE FUNCTION governance_append_only() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql`);
  }
  for (const table of ['governance_events', 'governance_event_deliveries']) {
    if (client.includes('sqlite')) {
      await knex.raw(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`);
      await knex.raw(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`);
    } else if (pg) {
      await knex.raw(`CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION governance_append_only()`);
    }
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('DROP INDEX IF EXISTS governance_requests_one_open');
  await knex.schema.dropTable('governance_deprecations');
  await knex.schema.dropTable('governance_event_deliveries');
  await knex.schema.dropTable('governance_events');
  const client = String(knex.client.config.client);
  if (client === 'pg' || client.includes('postgres')) await knex.raw('DROP FUNCTION IF EXISTS governance_append_only()');
};
