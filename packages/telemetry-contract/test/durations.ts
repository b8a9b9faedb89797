/**
 * Range durations on either side of Prometheus' rules (prometheus/common model.ParseDuration, and PromQL's
 * "duration must be greater than 0"): the unit tests check window() against them, the Prometheus test
 * checks that the real Prometheus draws the same line.
 */

/** Accepted: `<digits><unit>` terms, units once each and largest first, up to the largest time.Duration. */
export const ACCEPTED_DURATIONS = ['1ms', '5m', '1h30m', '1y2w3d4h5m6s7ms', '90s', '05m', '292y', '9223372036s', '2562047h47m16s854ms'];

/**
 * Refused: repeated or out-of-order units, zero (a range must be positive), unknown units or fractions,
 * negative values, and values past the largest time.Duration (about 292 years).
 */
export const REFUSED_DURATIONS = ['1m1m', '1s1m', '5ms1s', '0s', '0', '0m0s', '0ms', '293y', '9223372037s', '2562047h47m16s855ms', '99999999999999999999s', '1.5m', '5M', '1hm', '1d1y', '-5m'];
