// Bundles the `flyte-pipeline` bin (bin/cli.ts and all it imports, yeoman included) into
// dist/bin/bundle/ with esbuild, run by `npm run build` after tsc (tsc type-checks; esbuild only
// strips the types). Loading ~2,000 module files from ~260 packages was 80 % of
// `flyte-pipeline new`; a few minified chunks load in a fraction of that. Chunks follow the bin's
// dynamic imports: `--help` and `--version` load the command table alone, `init` alone the AWS SDK.
// The generators stay plain tsc output in dist/generators/, which `yo flyte-pipeline` runs.
// No source maps: the dependencies' own maps point at sources npm does not ship. To debug with
// readable stacks, run the unbundled build: `node dist/bin/cli.js new …`.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Below dist/: shared/package.ts finds the package root (templates/, dist/generators/) from there.
const OUT = join(ROOT, 'dist', 'bin', 'bundle');
const STUB = join(ROOT, 'scripts', 'bundle', 'npm-installer-stub.mjs');

/** '…/node_modules/@scope/name/dist/x.js' -> ['…/node_modules/@scope/name', '@scope/name/dist/x.js']. */
function underNodeModules(path) {
  const normal = path.split('\\').join('/');
  const at = normal.lastIndexOf('/node_modules/') + '/node_modules/'.length;
  const rest = normal.slice(at);
  const name = rest.split('/').slice(0, rest.startsWith('@') ? 2 : 1).join('/');
  return [normal.slice(0, at + name.length), rest];
}

/** Fails the build when a dependency update leaves one of our changes to it with nothing to change. */
function allUsed(esbuild, expected, used, what) {
  esbuild.onEnd((result) => {
    const missed = expected.filter((key) => !used.has(key));
    if (result.errors.length === 0 && missed.length) throw new Error(`${what} found nothing to change in ${missed.join(', ')}: update scripts/bundle/bundle.mjs`);
  });
}

/**
 * Code that finds files beside itself at load, which bundled code cannot: each is rewritten at build
 * time. Keys are paths under node_modules/; values are [text, (the package's package.json) =>
 * replacement] pairs, and an optional `prepend`. A dependency update that moves one fails the build.
 */
const REWRITES = {
  // yeoman reads its own package.json, relative to its file: its value is inlined.
  'yeoman-generator/dist/generator.js': {
    replace: [["JSON.parse(readFileSync(pathJoin(_dirname, '../package.json'), 'utf8'))", (pkg) => JSON.stringify({ name: pkg.name, version: pkg.version })]],
  },
  'yeoman-environment/dist/environment-base.js': { replace: [["require('../package.json').version", (pkg) => JSON.stringify(pkg.version)]] },
  'yeoman-environment/dist/module-lookup.js': {
    replace: [["JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json')).toString()).name", (pkg) => JSON.stringify(pkg.name)]],
  },
  // fdir require()s picomatch at load through createRequire, which esbuild cannot follow: it would
  // load a second copy from node_modules. An import gives it the bundled one (the same module).
  'fdir/dist/index.mjs': {
    prepend: 'import __fdirPicomatch from "picomatch";\n',
    replace: [
      ['__require.resolve("picomatch");', () => ''],
      ['pm = __require("picomatch");', () => 'pm = __fdirPicomatch;'],
    ],
  },
};

const rewrites = {
  name: 'rewrites',
  setup(esbuild) {
    const used = new Set();
    esbuild.onLoad({ filter: /[\\/]node_modules[\\/].*\.m?js$/ }, (args) => {
      const [packageDir, key] = underNodeModules(args.path);
      const rewrite = REWRITES[key];
      if (!rewrite) return undefined;
      const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
      let contents = readFileSync(args.path, 'utf8');
      for (const [from, to] of rewrite.replace) {
        if (!contents.includes(from)) throw new Error(`${key} (${pkg.version}) no longer contains ${from}: update REWRITES in scripts/bundle/bundle.mjs`);
        contents = contents.replace(from, to(pkg));
      }
      used.add(key);
      return { contents: (rewrite.prepend ?? '') + contents, loader: 'js', resolveDir: dirname(args.path) };
    });
    allUsed(esbuild, Object.keys(REWRITES), used, 'rewrites');
  },
};

/**
 * Imports made lazy: [importer (a path under node_modules/), specifier, the functions it imports
 * ('default' for the default export)], each an async function or one whose result is awaited. The
 * importer gets a stand-in whose functions import the real module, into a chunk of its own, at
 * their first call. The bin then skips, at every command, code it does not use:
 * - yeoman-generator's latest-version, for `addDependencies` without a version (our generators never
 *   call it): loading it runs ky's feature test `new Request(…)`, which loads Node's fetch (7 MB);
 * - @inquirer/editor's external editor (no question of ours is an editor prompt), with the
 *   character-set tables of iconv-lite and chardet (half a megabyte of code).
 */
const LAZY = [
  ['yeoman-generator/dist/actions/package-json.js', 'latest-version', ['default']],
  ['@inquirer/editor/dist/index.js', '@inquirer/external-editor', ['editAsync']],
];

const lazyImports = {
  name: 'lazy-imports',
  setup(esbuild) {
    const used = new Set();
    for (const [importer, specifier, names] of LAZY) {
      esbuild.onResolve({ filter: new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }, async (args) => {
        if (args.pluginData?.real || underNodeModules(args.importer)[1] !== importer) return undefined;
        const real = await esbuild.resolve(specifier, { resolveDir: args.resolveDir, kind: args.kind, pluginData: { real: true } });
        if (real.errors.length) return { errors: real.errors };
        used.add(`${importer} -> ${specifier}`);
        return { path: real.path, namespace: 'lazy', pluginData: { names } };
      });
    }
    esbuild.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: args.pluginData.names
        .map((name) => {
          const declared = name === 'default' ? 'default async function lazy' : `async function ${name}`;
          return `export ${declared}(...args) { const module = await import(${JSON.stringify(args.path)}); return module[${JSON.stringify(name)}](...args); }`;
        })
        .join('\n'),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
    allUsed(esbuild, LAZY.map(([importer, specifier]) => `${importer} -> ${specifier}`), used, 'lazy-imports');
  },
};

rmSync(OUT, { recursive: true, force: true });
const result = await build({
  // init: `flyte-pipeline init`'s work as its own process, which the generators run (generators/lib/init-process.ts).
  entryPoints: { cli: join(ROOT, 'bin', 'cli.ts'), init: join(ROOT, 'scripts', 'init-cli.ts') },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  metafile: true,
  // Bundled code is a copy of the dependencies: their license comments go to *.LEGAL.txt beside it.
  legalComments: 'linked',
  logLevel: 'warning',
  // fly-import's npm installer: yeoman-environment constructs its repository object, never used here.
  alias: { '@npmcli/arborist': STUB, 'registry-auth-token': STUB },
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import{createRequire as __flytePipelineCreateRequire}from'node:module';const require=__flytePipelineCreateRequire(import.meta.url);" },
  plugins: [rewrites, lazyImports],
});
// What each chunk holds, for `npx esbuild --analyze`-like questions (not shipped).
writeFileSync(join(ROOT, 'dist', 'bundle-meta.json'), JSON.stringify(result.metafile));
