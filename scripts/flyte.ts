/**
 * The project's Flyte project, made idempotently with flytectl (the standard CLI, which carries
 * the user's endpoint and auth settings in its config file).
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../generators/lib/errors.js';
import type { ResourceReport } from './outcome.js';

export interface FlyteProjectSettings {
  id: string;
  /** flytectl refuses whitespace in a project name. */
  name: string;
  description: string;
  labels: Record<string, string>;
  /** flytectl's --config; flytectl's own default when absent. */
  configPath?: string;
}

export interface Flytectl {
  (args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export async function findOnPath(command: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export const flytectl: Flytectl = async (args) => {
  const result = await execa('flytectl', args, { reject: false, stdin: 'ignore' });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
};

function withConfig(settings: FlyteProjectSettings, args: string[]): string[] {
  return settings.configPath ? [...args, '--config', settings.configPath] : args;
}

function failure(action: string, result: { stderr: string; stdout: string }): UserError {
  const reason = (result.stderr || result.stdout).trim().split('\n').filter(Boolean).pop() ?? 'no output';
  const unreachable = /Unavailable|connection error|deadline exceeded|no such host|connection refused/i.test(reason);
  return new UserError(
    `flytectl ${action} failed: ${reason}`,
    unreachable
      ? 'check admin.endpoint in the flytectl config (flyte-config.yaml, or --flytectl-config / FLYTECTL_CONFIG) and that FlyteAdmin is reachable'
      : 'run the same flytectl command by hand to see why; check its config file and credentials',
  );
}

/** `flytectl get project ID -o json`: found when it prints that project; NotFound (or nothing) means missing. */
export async function flyteProjectExists(run: Flytectl, settings: FlyteProjectSettings): Promise<boolean> {
  const result = await run(withConfig(settings, ['get', 'project', settings.id, '-o', 'json']));
  if (result.exitCode === 0) return result.stdout.includes(`"${settings.id}"`);
  if (/NotFound|not found/i.test(result.stderr)) return false;
  throw failure('get project', result);
}

/** `exists`: what flyteProjectExists answered, when the caller asked already (init asks before any change). */
export async function ensureFlyteProject(
  run: Flytectl,
  settings: FlyteProjectSettings,
  { dryRun, exists }: { dryRun: boolean; exists?: boolean },
): Promise<ResourceReport> {
  const report = (outcome: ResourceReport['outcome']): ResourceReport => ({ resource: 'Flyte project', outcome, detail: settings.id });
  if (exists ?? (await flyteProjectExists(run, settings))) return report('already existed');
  if (dryRun) return report('would create');
  const labels = Object.entries(settings.labels).map(([key, value]) => `${key}=${value}`);
  const result = await run(
    withConfig(settings, [
      'create',
      'project',
      '--id',
      settings.id,
      '--name',
      settings.name,
      '--description',
      settings.description,
      ...(labels.length ? ['--labels', labels.join(',')] : []),
    ]),
  );
  if (result.exitCode === 0) return report('created');
  // Created in the meantime: FlyteAdmin answers AlreadyExists.
  if (/AlreadyExists|already exists/i.test(result.stderr)) return report('already existed');
  throw failure('create project', result);
}
