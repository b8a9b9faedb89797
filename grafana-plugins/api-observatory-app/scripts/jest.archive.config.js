/**
 * The app's jest config, run on one copy of src/bundle.test.ts placed in ARCHIVE_CHECK_DIR/src, so that
 * the test's dist/ (`<its folder>/../dist`) is the plugin folder unzipped from the archive. Modules
 * resolve from the app's and the workspace's node_modules, as for the tests in src/.
 */
const path = require('path');
const base = require('../jest.config');

const dir = process.env.ARCHIVE_CHECK_DIR;
if (!dir) {
  throw new Error('ARCHIVE_CHECK_DIR is not set');
}
const appDir = path.resolve(__dirname, '..');

module.exports = {
  ...base,
  roots: [dir],
  testMatch: [path.join(dir, 'src', '*.test.ts')],
  modulePaths: [...(base.modulePaths ?? []), path.join(appDir, 'node_modules'), path.resolve(appDir, '../../node_modules')],
  cacheDirectory: path.join(dir, '.jest-cache'),
};
