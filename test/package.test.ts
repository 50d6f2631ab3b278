/** What `npm pack` ships, that it builds what it ships, and that `yo` finds the generator in it. */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { execa } from 'execa';
import { createEnv } from 'yeoman-environment';
import { ROOT } from './helpers/project.js';

describe('the npm package', () => {
  let files: string[];
  beforeAll(async () => {
    const { stdout } = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((file) => file.path);
  }, 60_000);

  it('ships the compiled generator, the bin and every template, dotfiles stored without their dot', () => {
    expect(files).toEqual(expect.arrayContaining([
      'dist/generators/app/index.js',
      'dist/bin/flyte-pipeline.js',
      'templates/project/gitignore',
      'templates/project/dockerignore',
      'templates/project/data/06_models/gitkeep',
      'templates/project/run.ejs',
      'templates/project/data/01_raw/breast_cancer.csv',
    ]));
    expect(files.filter((file) => /(^|\/)\.[^/]+$/.test(file) || file.includes('__pycache__'))).toEqual([]);
    expect(files.filter((file) => file.startsWith('dist/test/'))).toEqual([]);
  });

  it('ships no source map that points at a source it does not ship', () => {
    const maps = files.filter((file) => file.endsWith('.js.map'));
    expect(maps).toContain('dist/bin/flyte-pipeline.js.map');
    const unresolved: string[] = [];
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(readFileSync(join(ROOT, map), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
      sources.forEach((source, index) => {
        const shipped = files.includes(normalize(join(dirname(map), source)));
        if (!shipped && typeof sourcesContent?.[index] !== 'string') unresolved.push(`${map} -> ${source}`);
      });
    }
    expect(unresolved).toEqual([]);
  });

  it('builds what it ships: npm pack from sources without dist/ ships the compiled bin (prepack)', async () => {
    const checkout = mkdtempSync(join(tmpdir(), 'fp-pack-'));
    const { stdout: listed } = await execa('git', ['ls-files', '-co', '--exclude-standard', '--', 'package.json', 'package-lock.json', 'tsconfig.json', 'bin', 'shared', 'generators', 'scripts', 'templates', 'test', 'bench'], { cwd: ROOT });
    for (const file of listed.split('\n').filter((path) => path && existsSync(join(ROOT, path)))) {
      mkdirSync(dirname(join(checkout, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(checkout, file));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
    const { stdout } = await execa('npm', ['pack', '--json', '--pack-destination', checkout], { cwd: checkout });
    const packed = (JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>)[0].filename;
    const { stdout: contents } = await execa('tar', ['-tzf', join(checkout, packed)]);
    expect(contents.split('\n')).toEqual(expect.arrayContaining(['package/dist/bin/flyte-pipeline.js', 'package/dist/bin/cli.js', 'package/dist/generators/app/index.js']));
  }, 120_000);

  it('is found by yo as flyte-pipeline:app, :init and :workflow when installed as generator-flyte-pipeline', async () => {
    const nodeModules = join(mkdtempSync(join(tmpdir(), 'fp-lookup-')), 'node_modules');
    mkdirSync(nodeModules);
    symlinkSync(ROOT, join(nodeModules, 'generator-flyte-pipeline'));
    const env = createEnv();
    const found = await env.lookup({ npmPaths: [nodeModules] } as never);
    expect(found.map((meta) => meta.namespace)).toEqual(expect.arrayContaining(['flyte-pipeline:app', 'flyte-pipeline:init', 'flyte-pipeline:workflow']));
  });
});
