'use strict';
// The three semver functions @grafana/e2e-selectors' resolver imports (`import { valid, compare, gte } from
// 'semver'`), from semver's own modules: semver's index requires every function, range and class it has.
module.exports = {
  valid: require('semver/functions/valid'),
  compare: require('semver/functions/compare'),
  gte: require('semver/functions/gte'),
};
