/**
 * Every flag is declared once, in shared/flags.ts (issue 17, item 6): for each command, the flags
 * the bin lists and accepts are its table; the yeoman options of each generator are the tables of
 * the commands it runs, nothing more or less; its strict reading of the command line
 * (checkCommandLine) knows each of them as a switch or as a flag taking a value, as declared.
 */
import { join } from 'node:path';
import { createEnv } from 'yeoman-environment';
import Generator from 'yeoman-generator';
import { COMMAND_FLAGS, GENERATOR_FLAGS, type Flags } from '../shared/flags.js';
import { QUESTIONS, flagOf } from '../shared/questions.js';
import { ROOT, runBin } from './helpers/project.js';

type GeneratorName = keyof typeof GENERATOR_FLAGS;

interface Created {
  _options: Record<string, { type?: unknown; description?: string }>;
  initializing?: () => unknown;
}

async function create(name: GeneratorName, args: string[] = []): Promise<Created> {
  const env = createEnv();
  const namespace = `flyte-pipeline:${name}`;
  env.register(join(ROOT, 'dist', 'generators', name, 'index.js'), { namespace });
  return (await env.create(namespace, { generatorArgs: args, generatorOptions: {} } as never)) as unknown as Created;
}

/** The options every yeoman generator has (help, skip-cache, …): yeoman's, not ours. */
async function yeomanOwn(): Promise<Set<string>> {
  const env = createEnv();
  env.register(class extends Generator {} as never, { namespace: 'bare:app', resolved: join(ROOT, 'bare') } as never);
  const bare = (await env.create('bare:app', { generatorArgs: [], generatorOptions: {} } as never)) as unknown as Created;
  return new Set(Object.keys(bare._options));
}

/** The flags `flyte-pipeline COMMAND --help` lists. */
async function listedByTheBin(command: string): Promise<string[]> {
  const { stdout } = await runBin([command, '--help']);
  return [...String(stdout).matchAll(/^ {2}--([a-z-]+)\s/gm)].map((match) => match[1]);
}

const typeOf = (flags: Flags): Record<string, unknown> => Object.fromEntries(Object.entries(flags).map(([name, flag]) => [name, flag.type]));

describe('every flag declared once', () => {
  it.each(Object.keys(COMMAND_FLAGS))('`flyte-pipeline %s --help` lists its table', async (command) => {
    expect(await listedByTheBin(command)).toEqual(Object.keys(COMMAND_FLAGS[command as keyof typeof COMMAND_FLAGS]));
  });

  it('refuses, for a command, a flag of its generator that is not in its table', async () => {
    const result = await runBin(['upgrade', '--data', 'x.csv'], { cwd: ROOT });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: unknown flag --data for `flyte-pipeline upgrade`$/m);
  });

  it('one flag per question, a yes/no question a switch', () => {
    for (const question of QUESTIONS) expect((COMMAND_FLAGS.new as Flags)[flagOf(question.name)]?.type).toBe(question.boolean ? Boolean : String);
  });

  it('each generator runs the commands of the bin, with their tables', () => {
    expect(Object.keys(GENERATOR_FLAGS.app).sort()).toEqual([...new Set([...Object.keys(COMMAND_FLAGS.new), ...Object.keys(COMMAND_FLAGS.upgrade), 'upgrade'])].sort());
    expect(GENERATOR_FLAGS.workflow).toBe(COMMAND_FLAGS.workflow);
    expect(GENERATOR_FLAGS.init).toBe(COMMAND_FLAGS.init);
  });

  it.each(Object.keys(GENERATOR_FLAGS))('the %s generator registers its table as yeoman options, with their types', async (name) => {
    const own = await yeomanOwn();
    const generator = await create(name as GeneratorName);
    const table = GENERATOR_FLAGS[name as GeneratorName];
    const registered = Object.entries(generator._options).filter(([option]) => !own.has(option) || option in table);
    expect(Object.fromEntries(registered.map(([option, spec]) => [option, spec.type]))).toEqual(typeOf(table));
  });

  it.each(['app', 'workflow'] as const)('the %s generator reads each flag of its table strictly, as declared', async (name) => {
    for (const [flag, { type }] of Object.entries(GENERATOR_FLAGS[name])) {
      // A switch given a word that is not yes or no, a value flag given none: both refused.
      const args = type === Boolean ? [`--${flag}=maybe`] : [`--${flag}`];
      const generator = await create(name, args);
      expect(() => generator.initializing?.()).toThrow(type === Boolean ? `--${flag} is yes or no` : `--${flag} needs a value`);
    }
  });
});
