// @ts-check
/**
 * Promotion requests, their append-only audit trail and idempotency records.
 * The audit table refuses UPDATE and DELETE at the database level (triggers), on SQLite and PostgreSQL.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('governance_requests', (t) => {
    t.string('id', 64).primary();
    t.string('entity_ref', 512).notNullable().index();
    t.string('from_env', 128).notNullable();
    t.string('to_env', 128).notNullable();
    t.string('state', 32).notNullable().index();
    t.integer('version').notNullable();
    t.string('requested_by', 512).notNullable();
    t.string('requested_at', 40).notNullable();
    t.string('updated_at', 40).notNullable();
    t.text('comment');
    t.string('decided_by', 512);
    t.text('decision_reason');
    t.boolean('overridden').notNullable().defaultTo(false);
    t.text('gates');
  });
  await knex.schema.createTable('governance_audit', (t) => {
    t.increments('id').primary();
    t.string('request_id', 64).notNullable().index();
    t.string('actor', 512).notNullable();
    t.string('at', 40).notNullable();
    t.string('action', 32).notNullable();
    t.string('from_state', 32);
    t.string('to_state', 32).notNullable();
    t.text('reason');
    t.boolean('override').notNullable().defaultTo(false);
    t.text('evidence');
    // One audit entry per version of a request: a second writer of the same transition cannot commit.
    t.integer('request_version').notNullable();
    t.unique(['request_id', 'request_version']);
  });
  await knex.schema.createTable('governance_idempotency', (t) => {
    t.string('actor', 512).notNullable();
    t.string('key', 256).notNullable();
    t.string('fingerprint', 128).notNullable();
    t.integer('status').notNullable();
    t.text('response').notNullable();
    t.string('created_at', 40).notNullable();
    t.primary(['actor', 'key']);
  });
  const client = String(knex.client.config.client);
  if (client.includes('sqlite')) {
    await knex.raw(`CREATE TRIGGER governance_audit_no_update BEFORE UPDATE ON governance_audit BEGIN SELECT RAISE(ABORT, 'governance_audit is append-only'); END`);
    await knex.raw(`CREATE TRIGGER governance_audit_no_delete BEFORE DELETE ON governance_audit BEGIN SELECT RAISE(ABORT, 'governance_audit is append-only'); END`);
  } else if (client === 'pg' || client.includes('postgres')) {
    await knex.raw(`CREATE FUNCTION governance_audit_append_only() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'governance_audit is append-only'; END $$ LANGUAGE plpgsql`);
    await knex.raw(`CREATE TRIGGER governance_audit_no_change BEFORE UPDATE OR DELETE ON governance_audit FOR EACH ROW EXECUTE FUNCTION governance_audit_append_only()`);
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('governance_idempotency');
  await knex.schema.dropTable('governance_audit');
  await knex.schema.dropTable('governance_requests');
  const client = String(knex.client.config.client);
  if (client === 'pg' || client.includes('postgres')) await knex.raw('DROP FUNCTION IF EXISTS governance_audit_append_only()');
};
