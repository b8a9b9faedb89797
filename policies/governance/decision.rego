# The governance decision for one action on one promotion request: POST /v1/data/api_observatory/governance/decision
# with {"input": ...} (input schema: policies/README.md). The answer: allow, reasons (why allowed, or
# every violation's message), violations (code and message), the gates required for this tier and
# environment, the tier used, and whether failed gates were overridden.
package api_observatory.governance

import data.api_observatory.governance.freeze
import data.api_observatory.governance.gates
import data.api_observatory.governance.roles

actor := input.actor.ref

action := input.action

# Messages name the system even when the entity has none.
system := input.entity.system if is_string(input.entity.system) else := "(none)"

deciders := {"approve", "reject", "promote", "rollback"}

into_environment := {"approve", "promote"}

override_reason := trim_space(input.override.reason) if is_string(input.override.reason) else := ""

override_requested if is_object(input.override)

gates_open if count(gates.not_passed) > 0

overridden if {
	valid_input
	action == "approve"
	gates_open
	override_requested
	override_reason != ""
	roles.may_override
}

# Deny by default: an input without the fields the rules read decides nothing in anyone's favour.
valid_input if {
	input.action in {"create", "approve", "reject", "cancel", "promote", "rollback"}
	is_string(input.actor.ref)
	input.actor.type in {"user", "service"}
	is_array(input.actor.groups)
	is_string(input.entity.ref)
	is_array(input.entity.owners)
	is_string(input.request.requested_by)
	is_string(input.request.to_environment)
	is_array(input.gates)
	count(gates.all_gates) > 0
	count(gates.all_gates) == count(input.all_gates)
	time.parse_rfc3339_ns(input.time)
}

invalid_input := {
	"code": "INVALID_INPUT",
	"message": "the input lacks a known action, the actor, the entity, the request's requester and target environment, the gates or an RFC 3339 time",
}

# An invalid input is denied for that reason alone.
violations := checks if valid_input else := {invalid_input}

checks contains v if {
	action in {"approve", "reject"}
	roles.is_requester
	v := {"code": "SELF_APPROVAL", "message": sprintf("%s requested this promotion and cannot %s it (separation of duties)", [actor, action])}
}

checks contains v if {
	action in deciders
	not roles.is_approver
	not service_may(action)
	v := {"code": "NOT_APPROVER", "message": sprintf("%s is not a product manager of system %s nor a product lead", [actor, system])}
}

checks contains v if {
	action == "create"
	not roles.is_owner
	v := {"code": "NOT_OWNER", "message": sprintf("%s does not own %s", [actor, input.entity.ref])}
}

checks contains v if {
	action == "cancel"
	not roles.is_owner
	not roles.is_requester
	v := {"code": "NOT_OWNER", "message": sprintf("%s neither requested this promotion nor owns %s", [actor, input.entity.ref])}
}

checks contains v if {
	action == "approve"
	gates_open
	not override_requested
	v := {"code": "GATES_NOT_PASSED", "message": sprintf("required gates not passed: %s", [concat(", ", gates.not_passed)])}
}

checks contains v if {
	action == "approve"
	gates_open
	override_requested
	override_reason == ""
	v := {"code": "OVERRIDE_REASON_REQUIRED", "message": "an override needs a non-empty reason"}
}

checks contains v if {
	action == "approve"
	gates_open
	override_requested
	override_reason != ""
	not roles.may_override
	v := {"code": "OVERRIDE_NOT_ALLOWED", "message": sprintf("%s may not override failed gates (%s)", [actor, concat(", ", gates.not_passed)])}
}

checks contains v if {
	action in into_environment
	count(freeze.active) > 0
	v := {"code": "CHANGE_FREEZE", "message": sprintf("change freeze in %s: %s", [input.request.to_environment, concat(", ", sort(freeze.active))])}
}

service_may(a) if {
	a in {"promote", "rollback"}
	roles.is_service
}

grants contains "owner of the API" if {
	action in {"create", "cancel"}
	roles.is_owner
}

grants contains "requester of this promotion" if {
	action == "cancel"
	roles.is_requester
}

grants contains sprintf("product manager of system %s", [system]) if {
	action in deciders
	roles.is_product_manager
}

grants contains "product lead" if {
	action in deciders
	roles.is_product_lead
}

grants contains "service principal" if service_may(action)

grants contains sprintf("required gates passed: %s", [concat(", ", gates.required)]) if {
	action == "approve"
	not gates_open
}

grants contains sprintf("gates overridden (%s): %s", [concat(", ", gates.not_passed), override_reason]) if overridden

allow if count(violations) == 0

default allow := false

decision := {
	"allow": allow,
	"reasons": reasons,
	"violations": sort_violations,
	"required_gates": gates.required,
	"tier": gates.tier,
	"overridden": overridden_flag,
}

reasons := sort([g | some g in grants]) if allow else := [v.message | some v in sort_violations]

# Objects sort by their keys' values in key order: code, then message.
sort_violations := sort([v | some v in violations])

default overridden_flag := false

overridden_flag if overridden
