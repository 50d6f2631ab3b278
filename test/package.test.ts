/** What `npm pack` ships, and that `yo` finds the generator in it. */
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('is found by yo as flyte-pipeline:app, :init and :workflow when installed as generator-flyte-pipeline', async () => {
    const nodeModules = join(mkdtempSync(join(tmpdir(), 'fp-lookup-')), 'node_modules');
    mkdirSync(nodeModules);
    symlinkSync(ROOT, join(nodeModules, 'generator-flyte-pipeline'));
    const env = createEnv();
    const found = await env.lookup({ npmPaths: [nodeModules] } as never);
    expect(found.map((meta) => meta.namespace)).toEqual(expect.arrayContaining(['flyte-pipeline:app', 'flyte-pipeline:init', 'flyte-pipeline:workflow']));
  });
});
