# Who the actor is for one API: owner, approver (product manager of the API's system or product lead),
# who may override failed gates. Entity refs compare case-insensitively, as Backstage's do.
package api_observatory.governance.roles

cfg := data.api_observatory.config.governance

actor_refs contains lower(r) if some r in input.actor.groups

actor_refs contains lower(input.actor.ref)

is_service if input.actor.type == "service"

is_requester if lower(input.actor.ref) == lower(input.request.requested_by)

is_owner if {
	some o in input.entity.owners
	lower(o) in actor_refs
}

in_any(groups) if {
	some g in groups
	lower(g) in actor_refs
}

is_product_lead if in_any(cfg.product_leads)

# Product managers listed under the API's system, or under "*" (every system).
is_product_manager if in_any(object.get(cfg.product_managers, input.entity.system, []))

is_product_manager if in_any(object.get(cfg.product_managers, "*", []))

is_approver if is_product_manager

is_approver if is_product_lead

may_override if is_product_lead

may_override if in_any(cfg.override_groups)
