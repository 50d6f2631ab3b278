/**
 * The project's Flyte project, made idempotently with flytectl (the standard CLI, which carries
 * the user's endpoint and auth settings in its config file).
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { readSmallFile } from '../shared/answers.js';
import { UserError } from '../shared/errors.js';
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

export interface FlytectlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Killed after the time-out: FlyteAdmin (or the network to it) did not answer. */
  timedOut?: boolean;
}

export interface Flytectl {
  (args: string[]): Promise<FlytectlResult>;
}

/** How long one flytectl call may take (an interactive login included), unless FLYTE_PIPELINE_TIMEOUT says otherwise. */
export const FLYTECTL_TIMEOUT_MS = 120_000;

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

/** Runs the real flytectl, killed after `timeoutMs` so an endpoint that never answers cannot hang init. */
export function flytectlWithTimeout(timeoutMs: number = FLYTECTL_TIMEOUT_MS, env: Record<string, string | undefined> = process.env): Flytectl {
  return async (args) => {
    const result = await execa('flytectl', args, { reject: false, stdin: 'ignore', env, timeout: timeoutMs, forceKillAfterDelay: 2_000 });
    return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), timedOut: result.timedOut };
  };
}

export const flytectl: Flytectl = flytectlWithTimeout();

/** `admin.endpoint` of a flytectl config file, to name it in errors; undefined when unreadable. */
export function flyteEndpointOf(configPath: string | undefined): string | undefined {
  if (!configPath) return undefined;
  try {
    const config = parseYaml(readSmallFile(configPath, 1_000_000, 'flytectl config', '')) as { admin?: { endpoint?: unknown } } | null;
    return typeof config?.admin?.endpoint === 'string' ? config.admin.endpoint.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

function withConfig(settings: FlyteProjectSettings, args: string[]): string[] {
  return settings.configPath ? [...args, '--config', settings.configPath] : args;
}

function failure(action: string, result: FlytectlResult, settings: FlyteProjectSettings): UserError {
  const endpoint = flyteEndpointOf(settings.configPath) ?? "flytectl's configured endpoint";
  if (result.timedOut) {
    return new UserError(
      `flytectl ${action} got no answer from FlyteAdmin at ${endpoint} in time, so it was stopped`,
      `check that ${endpoint} is reachable (network, VPN, admin.endpoint in ${settings.configPath ?? 'the flytectl config'}); set FLYTE_PIPELINE_TIMEOUT=SECONDS to wait longer`,
    );
  }
  const last = (result.stderr || result.stdout).trim().split('\n').filter(Boolean).pop() ?? 'no output';
  // One line, printable and short, whatever flytectl (or something posing as it) printed.
  // eslint-disable-next-line no-control-regex
  const reason = last.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 300);
  const unreachable = /Unavailable|connection error|deadline exceeded|no such host|connection refused/i.test(reason);
  return new UserError(
    `flytectl ${action} failed (FlyteAdmin at ${endpoint}): ${reason}`,
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
  throw failure('get project', result, settings);
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
  throw failure('create project', result, settings);
}
