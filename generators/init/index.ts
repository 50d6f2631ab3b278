/**
 * `yo flyte-pipeline:init` / `flyte-pipeline init`: the ECR repository and Flyte project of this
 * project, made by scripts/init.ts run as its own process (generators/lib/init-process.ts).
 */
import Generator, { type Storage, type StorageOptions } from 'yeoman-generator';
import { readProjectConfig } from '../../shared/project-config.js';
import { GENERATOR_FLAGS } from '../../shared/flags.js';
import { runInitProcess } from '../lib/init-process.js';

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());

export default class InitGenerator extends Generator {
  constructor(args: string[], options: Record<string, unknown>, features?: Record<string, unknown>) {
    super(args, options as never, { ...features, customInstallTask: true } as never);
    for (const [name, flag] of Object.entries(GENERATOR_FLAGS.init)) this.option(name, flag);
  }

  /** yeoman reads .yo-rc.json while it builds a generator: checked first, so a broken one is refused naming the file and its fix. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- yeoman's own signature
  override _getStorage<T extends Record<any, any> = Record<any, any>>(rootName?: string | StorageOptions, options?: StorageOptions): Storage<T> {
    readProjectConfig(this.destinationRoot());
    return super._getStorage<T>(rootName, options);
  }

  async default(): Promise<void> {
    const options = this.options as Record<string, unknown>;
    const args: string[] = [];
    for (const [flag, spec] of Object.entries(GENERATOR_FLAGS.init)) {
      const value = options[flag] ?? options[camel(flag)];
      if (value === undefined) continue;
      if (spec.type !== Boolean) args.push(`--${flag}=${String(value)}`);
      else if (value) args.push(`--${flag}`);
    }
    await runInitProcess(this.destinationRoot(), args);
  }
}
