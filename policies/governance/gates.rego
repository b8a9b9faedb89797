# Which gates an approval needs: per tier (entity annotation api-observatory.io/tier, sent as
# input.entity.tier) and target environment, from data.api_observatory.config.governance.required_gates.
# An unknown or missing tier uses "default"; a tier without the environment uses its "*" entry.
package api_observatory.governance.gates

cfg := data.api_observatory.config.governance

# Every gate the backend has (its gate registry), sent with each input: the policy names no gate itself.
all_gates := sort({g | is_array(input.all_gates); some g in input.all_gates; is_string(g)})

tier := input.entity.tier if {
	is_string(input.entity.tier)
	cfg.required_gates[input.entity.tier]
} else := "default"

by_tier := object.get(cfg.required_gates, tier, {})

env := input.request.to_environment

# Fail safe: a config without an entry for the tier (not even "default") requires every gate.
required := sort(by_tier[env]) if {
	by_tier[env]
} else := sort(by_tier["*"]) if {
	by_tier["*"]
} else := all_gates

passed contains g.gate if {
	some g in input.gates
	g.status == "passed"
}

# Required gates without a passed result (a missing result never passes).
not_passed := [g | some g in required; not g in passed]
