/**
 * yeoman runs every member of a generator's prototype as a task, getters included, unless its
 * name starts with `_`. A helper getter once ran as a task and crashed every terminal session:
 * this lists the tasks yeoman will run for each generator and fails on any it does not expect.
 */
import { join } from 'node:path';
import { createEnv } from 'yeoman-environment';
import { ROOT } from './helpers/project.js';

const EXPECTED_TASKS: Record<string, string[]> = {
  app: ['initializing', 'prompting', 'configuring', 'writing', 'install', 'end'],
  init: ['default'],
  workflow: ['initializing', 'writing', 'end'],
};

describe.each(Object.entries(EXPECTED_TASKS))('the %s generator', (name, expected) => {
  test('has exactly the tasks it means to run', async () => {
    const env = createEnv();
    const namespace = `flyte-pipeline:${name}`;
    env.register(join(ROOT, 'dist', 'generators', name, 'index.js'), { namespace });
    const generator = (await env.create(namespace, { generatorArgs: [], generatorOptions: {} } as never)) as unknown as {
      getTaskNames: () => string[];
    };
    expect(generator.getTaskNames()).toEqual(expected);
  });
});
