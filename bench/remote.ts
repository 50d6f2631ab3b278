/**
 * Remote-loop benchmark (`npm run bench:remote`): over fresh -> code-only change -> dependency
 * change, how many image builds and pushes `make build push` does (expected 1/1, 0/0, 1/1), and
 * the wall time of the dry-run plan (`./run --remote --dry-run src/ full`, median of RUNS).
 * ECR is moto_server; docker is the stand-in in test/fixtures/bin (no Docker daemon here).
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { execa } from 'execa';
import { startMoto } from '../test/helpers/moto.js';
import { BIN, ROOT } from '../test/helpers/project.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const moto = await startMoto();
try {
  const workspace = mkdtempSync(join(tmpdir(), 'fp-bench-remote-'));
  const dockerLog = join(workspace, 'docker.jsonl');
  const { VIRTUAL_ENV: _outer, ...outer } = process.env;
  const env: Record<string, string> = {
    ...(outer as Record<string, string>),
    ...moto.env,
    PIPENV_VENV_IN_PROJECT: '1',
    PIPENV_YES: '1',
    PATH: `${join(ROOT, 'test', 'fixtures', 'bin')}${delimiter}${process.env.PATH}`,
    DOCKER_STANDIN_STATE: join(workspace, 'docker.json'),
    DOCKER_STANDIN_LOG: dockerLog,
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
  };
  console.log('generating and installing a project (pipenv install --dev)...');
  await execa(process.execPath, [BIN, 'new', 'Bench Model', '--defaults', '--aws-region', 'eu-west-1'], { cwd: workspace, env, extendEnv: false });
  const project = join(workspace, 'bench-model');
  const inProject = (command: string, args: string[]) => execa(command, args, { cwd: project, env, extendEnv: false });
  await inProject('git', ['init', '-q']);
  await inProject('git', ['add', '-A']);
  await inProject('git', ['commit', '-qm', 'generated']);
  const ecr = new ECRClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'bench-model' }));

  const count = (verb: string) => readFileSync(dockerLog, 'utf8').split('\n').filter((line) => line && JSON.parse(line)[0] === verb).length;
  const steps: Array<[string, () => void]> = [
    ['fresh', () => undefined],
    ['code-only change', () => appendFileSync(join(project, 'src', 'tasks', 'evaluate.py'), '# a code change\n')],
    ['dependency change', () => appendFileSync(join(project, 'Pipfile.lock'), '\n')],
  ];
  console.log('\nstep                builds  pushes  plan (dry run, median)  plan says');
  for (const [name, change] of steps) {
    change();
    const times: number[] = [];
    let planned = '';
    for (let run = 0; run < RUNS; run += 1) {
      const started = performance.now();
      const plan = await inProject('./run', ['--remote', '--dry-run', '--json', 'src/', 'full']);
      times.push((performance.now() - started) / 1000);
      planned = (JSON.parse(plan.stdout).steps as Array<{ name: string; run: boolean }>)
        .slice(0, 2)
        .map((step) => `${step.name} ${step.run ? 'run' : 'skip'}`)
        .join(', ');
    }
    writeFileSync(dockerLog, '');
    await inProject('make', ['build', 'push']);
    console.log(`${name.padEnd(20)}${String(count('build')).padEnd(8)}${String(count('push')).padEnd(8)}${`${median(times).toFixed(2)} s`.padEnd(24)}${planned}`);
  }
} finally {
  await moto.stop();
}
