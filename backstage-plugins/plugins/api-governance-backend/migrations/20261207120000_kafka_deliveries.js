// @ts-check
/**
 * `governance_kafka_deliveries`: one row per outbox event the broker acknowledged on its Kafka topic.
 * Separate from `governance_event_deliveries` (the EventsService
 * publish), so each sink keeps its own at-least-once progress. Append-only like the outbox.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('governance_kafka_deliveries', (t) => {
    t.string('event_id', 128).primary();
    t.string('kafka_topic', 249).notNullable();
    t.string('relayed_at', 40).notNullable();
  });
  const client = String(knex.client.config.client);
  if (client.includes('sqlite')) {
    await knex.raw(`CREATE TRIGGER governance_kafka_deliveries_no_update BEFORE UPDATE ON governance_kafka_deliveries BEGIN SELECT RAISE(ABORT, 'governance_kafka_deliveries is append-only'); END`);
    await knex.raw(`CREATE TRIGGER governance_kafka_deliveries_no_delete BEFORE DELETE ON governance_kafka_deliveries BEGIN SELECT RAISE(ABORT, 'governance_kafka_deliveries is append-only'); END`);
  } else if (client === 'pg' || client.includes('postgres')) {
    // governance_append_only() comes from the outbox migration.
    await knex.raw(`CREATE TRIGGER governance_kafka_deliveries_no_change BEFORE UPDATE OR DELETE ON governance_kafka_deliveries FOR EACH ROW EXECUTE FUNCTION governance_append_only()`);
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('governance_kafka_deliveries');
};
