/**
 * The first hour's rough edges (issue 17, item 4): an upgrade with nothing to do says so and that
 * the user's edits stay; answers in the forms people paste (a dashed account id, an upper-case
 * region, a place name) normalised or pointed at the region they mean; the Flyte endpoint's rule
 * and its check the same.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint } from './battery/helpers.js';
import { runBin } from './helpers/project.js';

const workspace = () => mkdtempSync(join(tmpdir(), 'fp-first-hour-'));
const NEW = ['--defaults', '--skip-install', '--skip-git'];

describe('flyte-pipeline upgrade on a project at the current version', () => {
  let project: string;
  beforeAll(async () => {
    const cwd = workspace();
    expect((await runBin(['new', 'Churn Model', ...NEW], { cwd })).exitCode).toBe(0);
    project = join(cwd, 'churn-model');
    // Seven files edited, as a user does in the first days: six changed, one deleted.
    for (const path of ['README.md', 'Makefile', 'src/tasks/evaluate.py', 'src/tasks/train_model.py', 'src/candidates.py', 'tests/test_evaluate.py']) {
      appendFileSync(join(project, path), '\n# my change\n');
    }
    rmSync(join(project, 'tests', 'test_reporting.py'));
  });

  it.each([{ args: ['--dry-run'] }, { args: [] }])('upgrade $args says there is nothing to upgrade, and that the edited files stay as they are; writes nothing', async ({ args }) => {
    const before = fingerprint(project);
    const result = await runBin(['upgrade', ...args], { cwd: project });
    expect([result.exitCode, String(result.stderr)]).toEqual([0, '']);
    const lines = String(result.stdout).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Nothing to upgrade: Churn Model is at \d+\.\d+\.\d+, the current template, with the same answers\.$/);
    expect(lines[1]).toMatch(/^ {2}unchanged {7}\d+ files$/);
    expect(lines[2]).toBe(
      'Your 7 edited files stay as they are: Makefile, README.md, src/candidates.py, src/tasks/evaluate.py, src/tasks/train_model.py, tests/test_evaluate.py, tests/test_reporting.py (deleted).',
    );
    expect(lines).toHaveLength(3);
    expect(result.stdout).not.toMatch(/would upgrade|Upgrading/);
    expect(fingerprint(project)).toEqual(before);
  });

  it('an answer changed is an upgrade: the plan, from the version to itself', async () => {
    const result = await runBin(['upgrade', '--dry-run', '--flyte-domain', 'staging'], { cwd: project });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Dry run: would upgrade Churn Model from (\S+) to \1$/m);
    expect(result.stdout).toMatch(/^ {2}(updated|merged) +Makefile$/m);
  });
});
