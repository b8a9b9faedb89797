package api_observatory.governance_test

import data.api_observatory.governance

cfg := {
	"product_managers": {"*": ["group:default/product-managers"], "commerce": ["group:default/commerce-pms"]},
	"product_leads": ["group:default/product-leads"],
	"override_groups": ["group:default/gate-overriders"],
	"required_gates": {
		"default": {"*": ["canary", "definition", "slo"]},
		"tier-1": {"*": ["slo", "canary", "definition"]},
		"tier-2": {"staging": ["definition"], "*": ["canary", "definition"]},
		"internal": {"*": ["definition"]},
	},
	"freezes": [
		{"name": "year-end", "environments": ["production"], "start": "2026-12-20T00:00:00Z", "end": "2027-01-05T00:00:00Z", "exempt_groups": ["group:default/release-managers"]},
		{"name": "migration", "environments": ["*"], "start": "2026-11-01T00:00:00Z", "end": "2026-11-02T00:00:00Z"},
	],
}

passed := [{"gate": "canary", "status": "passed"}, {"gate": "definition", "status": "passed"}, {"gate": "slo", "status": "passed"}]

canary_failed := [{"gate": "canary", "status": "failed"}, {"gate": "definition", "status": "passed"}, {"gate": "slo", "status": "unknown"}]

user(name, groups) := {"ref": sprintf("user:default/%s", [name]), "type": "user", "groups": groups}

inp(action, actor, extra) := object.union(
	{
		"action": action,
		"actor": actor,
		"entity": {"ref": "api:default/orders", "system": "commerce", "owners": ["group:default/orders-team"], "tier": "tier-1"},
		"request": {"requested_by": "user:default/alice", "from_environment": "staging", "to_environment": "production", "state": "requested"},
		"gates": passed,
		"all_gates": ["definition", "canary", "slo"],
		"time": "2026-12-07T10:00:00Z",
	},
	extra,
)

pm := user("carla", ["group:default/product-managers"])

commerce_pm := user("cora", ["group:default/commerce-pms"])

lead := user("deepak", ["group:default/product-leads"])

alice := user("alice", ["group:default/orders-team"])

bob := user("bob", ["group:default/orders-team"])

eve := user("eve", ["group:default/customer-team"])

decide(i) := d if {
	d := governance.decision with input as i with data.api_observatory.config.governance as cfg
}

codes(d) := [v.code | some v in d.violations]

test_pm_approves_with_passed_gates if {
	d := decide(inp("approve", pm, {}))
	d.allow
	d.reasons == ["product manager of system commerce", "required gates passed: canary, definition, slo"]
	d.required_gates == ["canary", "definition", "slo"]
	d.tier == "tier-1"
	d.overridden == false
}

test_system_pm_approves_only_their_system if {
	decide(inp("approve", commerce_pm, {})).allow
	d := decide(inp("approve", commerce_pm, {"entity": {"ref": "api:default/x", "system": "payments", "owners": [], "tier": "tier-1"}}))
	not d.allow
	codes(d) == ["NOT_APPROVER"]
	d.reasons == ["user:default/cora is not a product manager of system payments nor a product lead"]
}

test_separation_of_duties if {
	i := inp("approve", user("alice", ["group:default/product-managers"]), {})
	codes(decide(i)) == ["SELF_APPROVAL"]
	codes(decide(object.union(i, {"action": "reject"}))) == ["SELF_APPROVAL"]
}

test_refs_compare_case_insensitively if {
	codes(decide(inp("approve", user("Alice", ["group:default/Product-Managers"]), {}))) == ["SELF_APPROVAL"]
}

test_owner_creates_stranger_does_not if {
	d := decide(inp("create", bob, {"request": {"requested_by": "user:default/bob", "to_environment": "production"}}))
	d.allow
	d.reasons == ["owner of the API"]
	codes(decide(inp("create", eve, {}))) == ["NOT_OWNER"]
}

test_cancel if {
	decide(inp("cancel", alice, {})).reasons == ["owner of the API", "requester of this promotion"]
	decide(inp("cancel", bob, {})).allow
	requester := user("zed", [])
	decide(inp("cancel", requester, {"request": {"requested_by": "user:default/zed", "to_environment": "production"}})).reasons == ["requester of this promotion"]
	codes(decide(inp("cancel", eve, {}))) == ["NOT_OWNER"]
}

test_promote_and_rollback_by_service_or_approver if {
	svc := {"ref": "service:plugin:deployer", "type": "service", "groups": []}
	decide(inp("promote", svc, {})).reasons == ["service principal"]
	decide(inp("rollback", svc, {})).allow
	decide(inp("rollback", lead, {})).reasons == ["product lead"]
	codes(decide(inp("promote", bob, {}))) == ["NOT_APPROVER"]
	codes(decide(inp("approve", svc, {}))) == ["NOT_APPROVER"]
}

test_gates_per_tier_and_environment if {
	decide(inp("approve", pm, {"entity": {"tier": "internal"}, "gates": canary_failed})).required_gates == ["definition"]
	decide(inp("approve", pm, {"entity": {"tier": "internal"}, "gates": canary_failed})).allow
	d2 := decide(inp("approve", pm, {"entity": {"tier": "tier-2"}, "gates": canary_failed}))
	d2.required_gates == ["canary", "definition"]
	d2.reasons == ["required gates not passed: canary"]
	staging := {"entity": {"tier": "tier-2"}, "gates": canary_failed, "request": {"to_environment": "staging"}}
	decide(inp("approve", pm, staging)).required_gates == ["definition"]
	codes(decide(inp("approve", pm, {"gates": canary_failed}))) == ["GATES_NOT_PASSED"]
}

test_unknown_or_missing_tier_uses_default if {
	decide(inp("approve", pm, {"entity": {"tier": "gold"}})).tier == "default"
	decide(inp("approve", pm, {"entity": {"tier": null}})).tier == "default"
}

test_missing_gate_result_never_passes if {
	d := decide(inp("approve", pm, {"gates": [{"gate": "definition", "status": "passed"}]}))
	d.reasons == ["required gates not passed: canary, slo"]
}

test_no_config_for_tier_requires_every_gate if {
	d := governance.decision with input as inp("approve", pm, {"entity": {"tier": "internal"}})
		with data.api_observatory.config.governance as object.union(object.remove(cfg, ["required_gates"]), {"required_gates": {}})
	d.required_gates == ["canary", "definition", "slo"]
}

test_no_config_for_tier_requires_every_gate_the_input_names if {
	no_tiers := object.union(object.remove(cfg, ["required_gates"]), {"required_gates": {}})
	with_new_gate := {"gates": array.concat(passed, [{"gate": "security", "status": "passed"}]), "all_gates": ["slo", "security", "canary", "definition"]}
	d := governance.decision with input as inp("approve", pm, with_new_gate) with data.api_observatory.config.governance as no_tiers
	d.required_gates == ["canary", "definition", "security", "slo"]
	d.allow
	d2 := governance.decision with input as inp("approve", pm, object.union(with_new_gate, {"gates": passed})) with data.api_observatory.config.governance as no_tiers
	d2.reasons == ["required gates not passed: security"]
}

test_all_gates_must_name_distinct_gates if {
	codes(decide(object.remove(inp("approve", pm, {}), ["all_gates"]))) == ["INVALID_INPUT"]
	codes(decide(inp("approve", pm, {"all_gates": []}))) == ["INVALID_INPUT"]
	codes(decide(inp("approve", pm, {"all_gates": "canary"}))) == ["INVALID_INPUT"]
	codes(decide(inp("approve", pm, {"all_gates": ["canary", 3]}))) == ["INVALID_INPUT"]
	codes(decide(inp("approve", pm, {"all_gates": ["canary", "canary"]}))) == ["INVALID_INPUT"]
	decide(object.remove(inp("approve", pm, {}), ["all_gates"])).required_gates == ["canary", "definition", "slo"]
}

test_override if {
	with_reason := {"gates": canary_failed, "override": {"reason": "hotfix for incident 42"}}
	d := decide(inp("approve", lead, with_reason))
	d.allow
	d.overridden
	d.reasons == ["gates overridden (canary, slo): hotfix for incident 42", "product lead"]
	decide(inp("approve", user("gina", ["group:default/product-managers", "group:default/gate-overriders"]), with_reason)).allow
	codes(decide(inp("approve", pm, with_reason))) == ["OVERRIDE_NOT_ALLOWED"]
	codes(decide(inp("approve", lead, {"gates": canary_failed, "override": {"reason": "  "}}))) == ["OVERRIDE_REASON_REQUIRED"]
	codes(decide(inp("approve", lead, {"gates": canary_failed, "override": {}}))) == ["OVERRIDE_REASON_REQUIRED"]
}

test_override_not_needed_is_not_recorded if {
	d := decide(inp("approve", lead, {"override": {"reason": "just in case"}}))
	d.allow
	d.overridden == false
}

test_change_freeze if {
	frozen := {"time": "2026-12-24T12:00:00Z"}
	d := decide(inp("approve", pm, frozen))
	codes(d) == ["CHANGE_FREEZE"]
	d.reasons == ["change freeze in production: year-end"]
	codes(decide(inp("promote", lead, frozen))) == ["CHANGE_FREEZE"]
	decide(inp("reject", pm, object.union(frozen, {"gates": []}))).allow
	decide(inp("rollback", lead, frozen)).allow
	decide(inp("approve", user("rita", ["group:default/product-managers", "group:default/release-managers"]), frozen)).allow
	decide(inp("approve", pm, {"time": "2027-01-05T00:00:00Z"})).allow
	decide(inp("approve", pm, {"request": {"requested_by": "user:default/alice", "to_environment": "staging"}, "time": "2026-12-24T12:00:00Z"})).allow
	codes(decide(inp("approve", pm, {"request": {"requested_by": "user:default/alice", "to_environment": "staging"}, "time": "2026-11-01T08:00:00Z"}))) == ["CHANGE_FREEZE"]
}

test_every_violation_is_reported_sorted if {
	d := decide(inp("approve", user("alice", []), {"gates": [], "time": "2026-12-24T12:00:00Z"}))
	codes(d) == ["CHANGE_FREEZE", "GATES_NOT_PASSED", "NOT_APPROVER", "SELF_APPROVAL"]
	count(d.reasons) == 4
}

test_shipped_data_is_complete if {
	d := governance.decision with input as inp("approve", pm, {})
	d.allow
	d.required_gates == ["canary", "definition", "slo"]
}

test_entity_without_system if {
	d := decide(inp("approve", eve, {"entity": {"system": null}}))
	d.reasons == ["user:default/eve is not a product manager of system (none) nor a product lead"]
}

test_invalid_input_is_denied if {
	codes(decide({})) == ["INVALID_INPUT"]
	codes(decide(inp("deploy", pm, {}))) == ["INVALID_INPUT"]
	codes(decide(inp("approve", pm, {"time": "2026-12-07"}))) == ["INVALID_INPUT"]
	codes(decide(inp("approve", pm, {"actor": {"type": "robot"}}))) == ["INVALID_INPUT"]
}

test_invalid_input_hides_other_violations if {
	d := decide(inp("approve", user("alice", []), {"time": "yesterday", "gates": [], "override": {"reason": "x"}}))
	codes(d) == ["INVALID_INPUT"]
	d.overridden == false
}
