// @ts-check
/**
 * The policy decision behind each audit entry: which engine decided (`builtin` or `opa`), OPA's
 * decision id (set when OPA's decision logging is on, so the entry can be matched with OPA's decision
 * log) and the decision's reasons (JSON array). Added columns only: the append-only triggers stay.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('governance_audit', (t) => {
    t.string('policy_engine', 16);
    t.string('policy_decision_id', 128);
    t.text('policy_reasons');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('governance_audit', (t) => {
    t.dropColumn('policy_reasons');
    t.dropColumn('policy_decision_id');
    t.dropColumn('policy_engine');
  });
};
