#!/usr/bin/env node
/**
 * The `flyte-pipeline` command's entry. It checks the Node version before anything else is loaded:
 * a dependency imported on an older Node fails deep inside itself (`TEXT_ENCODINGS.union is not a
 * function`), so this file imports nothing statically and loads the command only once Node is recent.
 */
const NEEDED = [22, 18];
const [major, minor] = process.versions.node.split('.').map(Number);

if (major < NEEDED[0] || (major === NEEDED[0] && minor < NEEDED[1])) {
  console.error(
    `error: flyte-pipeline needs Node.js >= ${NEEDED.join('.')} but this is Node.js ${process.versions.node} (${process.execPath}); ` +
      'install Node 22 (`nvm install 22`, or https://nodejs.org/en/download) and run it again',
  );
  process.exitCode = 1;
} else if (!cwdExists()) {
  console.error('error: the current folder no longer exists (it was deleted or moved)\n  fix: cd to an existing folder, then run the command again');
  process.exitCode = 1;
} else {
  // Node keeps the compiled bundle (in $TMPDIR/node-compile-cache, or NODE_COMPILE_CACHE; off with
  // NODE_DISABLE_COMPILE_CACHE=1): a later command skips parsing it. A failure to write it is silent.
  process.getBuiltinModule('node:module').enableCompileCache();
  // bin/cli.ts bundled by scripts/bundle/bundle.mjs (`npm run build`): loading yeoman from ~2,000
  // module files was most of a command's time. A name tsc does not resolve: the bundle is not a source.
  const cli = './bundle/cli.js';
  void import(cli);
}

/** A deleted working folder makes the first `process.cwd()` of any dependency throw: say so in one line instead. */
function cwdExists(): boolean {
  try {
    process.cwd();
    return true;
  } catch {
    return false;
  }
}
