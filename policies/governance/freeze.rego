# Change-freeze windows (data.api_observatory.config.governance.freezes): while one is active for the
# target environment at input.time, nothing is approved or promoted into it, except by members of the
# window's exempt_groups. A window is [start, end) in RFC 3339; environments ["*"] means every one.
package api_observatory.governance.freeze

import data.api_observatory.governance.roles

cfg := data.api_observatory.config.governance

now := time.parse_rfc3339_ns(input.time)

applies_to_env(f) if "*" in f.environments

applies_to_env(f) if input.request.to_environment in f.environments

active contains f.name if {
	some f in cfg.freezes
	applies_to_env(f)
	time.parse_rfc3339_ns(f.start) <= now
	now < time.parse_rfc3339_ns(f.end)
	not roles.in_any(object.get(f, "exempt_groups", []))
}
