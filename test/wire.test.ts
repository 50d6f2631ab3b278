import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { UserError } from '../shared/errors.js';
import { returnsTable, tableLayer, validateStepName, wireAfter } from '../generators/lib/wire.js';
import { TEMPLATES_DIR, renderFolder } from '../generators/lib/render.js';
import { ROOT } from './helpers/project.js';

const workflows = join(ROOT, 'templates', 'project', 'src', 'workflows');
// full.py as generated without a schedule (the template adds a launch plan with one).
const FULL = ejs.render(readFileSync(join(workflows, 'full.py.ejs'), 'utf8'), {});
const tasks = join(ROOT, 'templates', 'project', 'src', 'tasks');
const LAYERS = readFileSync(join(tasks, 'layers.py'), 'utf8');

describe('validateStepName', () => {
  it.each(['remove_outliers', 'step2', '_private'])('accepts %s', (name) => expect(validateStepName(name)).toBe(true));
  it.each([
    ['Remove', /snake_case/],
    ['2fast', /snake_case/],
    ['with-dash', /snake_case/],
    ['class', /keyword/],
    ['full', /reserved/],
    ['test_x', /reserved/],
    ['x'.repeat(33), /longer than 32/],
  ])('refuses %s', (name, rule) => expect(validateStepName(name)).toMatch(rule));
});

describe('returnsTable', () => {
  it.each([
    ['process_raw_data', true],
    ['generate_model_output', true],
    ['generate_model_input', false],
    ['train_model', false],
    ['evaluate', false],
    ['reporting', false],
  ])('%s -> %s', (step, expected) => expect(returnsTable(readFileSync(join(workflows, `${step}.py`), 'utf8'), step)).toBe(expected));
});

describe('wireAfter', () => {
  it('rebinds the step output through the new workflow and imports it in sorted position', () => {
    const wired = wireAfter(FULL, 'process_raw_data', 'remove_outliers');
    expect(wired).toContain('    primary = process_raw_data(raw_data=raw_data)\n    primary = remove_outliers(data=primary)\n');
    expect(wired).toContain('from workflows.reporting import reporting\nfrom workflows.train_model');
    expect(wired).toMatch(/from workflows\.process_raw_data import .*\nfrom workflows\.remove_outliers import remove_outliers\nfrom workflows\.reporting/);
  });
  it('inserts after a call that spans lines', () => {
    const source = 'from workflows.a import a\n\n\ndef full():\n    x = a(\n        y=1,\n    )\n    return x\n';
    expect(wireAfter(source, 'a', 'b')).toBe('from workflows.a import a\nfrom workflows.b import b\n\n\ndef full():\n    x = a(\n        y=1,\n    )\n    x = b(data=x)\n    return x\n');
  });
  it('refuses a step with several outputs, a step full does not call, and a name full uses', () => {
    expect(() => wireAfter(FULL, 'generate_model_input', 'resample')).toThrow(/several outputs/);
    expect(() => wireAfter(FULL, 'nowhere', 'resample')).toThrow(UserError);
    expect(() => wireAfter(FULL, 'process_raw_data', 'primary')).toThrow(/already uses the name primary/);
  });
});

describe('tableLayer: the file a step that returns one table writes, which a step added after it reads alone', () => {
  it.each([
    ['process_raw_data', '03_primary/primary.parquet'],
    ['generate_model_output', '07_model_output/predictions.parquet'],
  ])('%s -> data/%s (its layer constant, from tasks/layers.py)', (step, layer) => {
    expect(tableLayer(readFileSync(join(tasks, `${step}.py`), 'utf8'), LAYERS)).toBe(layer);
  });
  it('a step added by flyte-pipeline workflow -> its own OUTPUT', () => {
    const [task] = renderFolder(join(TEMPLATES_DIR, 'workflow'), { name: 'remove_outliers' }).filter((file) => file.path === 'src/tasks/__name__.py');
    expect(tableLayer(task.contents.toString('utf8'), LAYERS)).toBe('02_intermediate/remove_outliers.parquet');
  });
  it('undefined when the module saves no table, or the constant is not a plain string', () => {
    expect(tableLayer(readFileSync(join(tasks, 'train_model.py.ejs'), 'utf8'), LAYERS)).toBeUndefined();
    expect(tableLayer('OUT = f"{x}.parquet"\nsave_table(frame, OUT)\n', LAYERS)).toBeUndefined();
  });
});
