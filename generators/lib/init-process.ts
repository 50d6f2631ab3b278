/**
 * Runs `flyte-pipeline init`'s work (scripts/init-cli.ts, bundled beside the bin) as a process of
 * its own: the generators stay apart from scripts/, and the AWS SDK is loaded only by that process.
 * It shares this process's terminal (stdin, stdout for its report, stderr for progress and errors)
 * and prints its own error: a failure ends the command with its exit code and nothing more printed.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { getCompileCacheDir } from 'node:module';
import { constants } from 'node:os';
import { join } from 'node:path';
import { ReportedFailure } from '../../shared/errors.js';
import { PACKAGE_ROOT } from '../../shared/package.js';

const INIT_ENTRY = join(PACKAGE_ROOT, 'dist', 'bin', 'bundle', 'init.js');

/** `flyte-pipeline init ARGS` in `projectDir`. */
export async function runInitProcess(projectDir: string, args: readonly string[]): Promise<void> {
  // The bin's compile cache (bin/flyte-pipeline.ts), for the bundle's chunks this process loads too.
  const cache = getCompileCacheDir();
  const child = spawn(process.execPath, [INIT_ENTRY, ...args], { cwd: projectDir, stdio: 'inherit', env: cache ? { ...process.env, NODE_COMPILE_CACHE: cache } : process.env });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  if (code === 0) return;
  throw new ReportedFailure('flyte-pipeline init', code ?? 128 + (signal ? constants.signals[signal] : 0));
}
