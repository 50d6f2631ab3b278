/**
 * Runs one of this package's generators in a yeoman environment (works as root, no global `yo`).
 * bin/cli.ts imports this only once a command is to run, so `--help` and `--version` never load
 * yeoman; each generator is imported when its command runs (`init` alone brings the AWS SDK).
 */
import { join } from 'node:path';
import { createEnv } from 'yeoman-environment';
import { PACKAGE_ROOT } from '../shared/package.js';

const GENERATORS = {
  app: () => import('../generators/app/index.js'),
  init: () => import('../generators/init/index.js'),
  workflow: () => import('../generators/workflow/index.js'),
} as const;

export type GeneratorName = keyof typeof GENERATORS;

/** dist/generators/, from the package root, wherever this code was bundled. */
const GENERATORS_DIR = join(PACKAGE_ROOT, 'dist', 'generators');

/**
 * yeoman logs "✖ An error occured while running <task>" before rethrowing; the bin prints the error
 * itself as cause + fix, so the banner is noise to a user.
 */
function quietTaskFailureBanner(log: { error: (...args: unknown[]) => unknown }): void {
  const original = log.error.bind(log);
  log.error = (...args: unknown[]) => (/^An error occured while running /.test(String(args[0])) ? log : original(...args));
}

export async function runGenerator(generator: GeneratorName, args: string[], force: boolean): Promise<void> {
  const [env, { default: Generator }] = await Promise.all([createEnv(), GENERATORS[generator]()]);
  quietTaskFailureBanner(env.adapter.log as unknown as { error: (...args: unknown[]) => unknown });
  const namespace = `flyte-pipeline:${generator}`;
  // The class rather than its path, so that a bundled bin runs the generator bundled with it;
  // `resolved` is the generator's file, as when `yo` finds it.
  env.register(Generator as never, { namespace, resolved: join(GENERATORS_DIR, generator, 'index.js') });
  await env.run([namespace, ...args], { skipCache: true, force } as never);
}
