/**
 * Step names (`flyte-pipeline workflow NAME`): a name that would hide a builtin, an import or a
 * name the step's code uses (`list`, `pd`, `transform`) is refused; every name accepted makes code
 * in which nothing is hidden, as Python's own parser sees it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import ejs from 'ejs';
import { join } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { renderFolder } from '../../generators/lib/render.js';
import { TEMPLATES_DIR } from '../../generators/lib/render.js';
import { validateStepName, wireAfter } from '../../generators/lib/wire.js';
import { fingerprint, generateIn, refusal, workflowIn, workspace } from './helpers.js';

const PYTHON = process.env.PYTHON ?? 'python3';

/**
 * For each module: names bound twice at module level, parameters hiding a module-level name the
 * function reads, and module-level names hiding a builtin the module reads. Empty when nothing is hidden.
 */
const SHADOW_CHECK = String.raw`
import ast, builtins, json, sys
problems = []
for label, source in json.load(open(sys.argv[1], encoding="utf-8")):
    tree = ast.parse(source)
    bound = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound += [(alias.asname or alias.name).split(".")[0] for alias in node.names]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.append(node.name)
        elif isinstance(node, ast.Assign):
            bound += [target.id for target in node.targets if isinstance(target, ast.Name)]
    duplicates = sorted({name for name in bound if bound.count(name) > 1})
    if duplicates:
        problems.append([label, "bound twice", duplicates])
    read = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    hidden = sorted(name for name in set(bound) & read if hasattr(builtins, name) and name not in {"__annotations__"})
    if hidden:
        problems.append([label, "hides a builtin", hidden])
    for function in [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]:
        params = {arg.arg for arg in function.args.args + function.args.kwonlyargs}
        used = {node.id for node in ast.walk(function) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
        clash = sorted(params & set(bound) & used - {function.name})
        if clash:
            problems.append([label, "a parameter hides", clash])
print(json.dumps(problems))
`;

/** The step's three files, as the workflow generator writes them for `name`. */
function stepFiles(name: string): Array<[string, string]> {
  return renderFolder(join(TEMPLATES_DIR, 'workflow'), { name }).map((file) => [`${name}: ${file.path}`, file.contents.toString('utf8')]);
}

let work: string;
let full: string;
beforeAll(() => {
  work = workspace('fp-steps-');
  // full.py as generated without a schedule (the template adds a launch plan with one).
  full = ejs.render(readFileSync(join(TEMPLATES_DIR, 'project', 'src', 'workflows', 'full.py.ejs'), 'utf8'), {});
});

async function shadowProblems(modules: Array<[string, string]>): Promise<unknown[]> {
  const file = join(work, `modules-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(modules));
  const { stdout } = await execa(PYTHON, ['-c', SHADOW_CHECK, file]);
  return JSON.parse(stdout) as unknown[];
}

describe('names that would hide something are refused', () => {
  it("every Python builtin the interpreter has (as Python lists them)", async () => {
    const { stdout } = await execa(PYTHON, ['-c', 'import builtins, json; print(json.dumps([n for n in dir(builtins) if n.isidentifier() and n.islower() and not n.startswith("_")]))']);
    const builtins = JSON.parse(stdout) as string[];
    expect(builtins.length).toBeGreaterThan(60);
    expect(builtins.filter((name) => validateStepName(name) === true)).toEqual([]);
  });

  it("every name the step's own code reads or binds (as Python's parser finds them in the rendered files)", async () => {
    const script = String.raw`
import ast, json, sys
names = set()
for source in json.load(sys.stdin):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name): names.add(node.id)
        elif isinstance(node, ast.arg): names.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)): names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)): names.add(node.name)
print(json.dumps(sorted(names)))`;
    const { stdout } = await execa(PYTHON, ['-c', script], { input: JSON.stringify(stepFiles('zz_step').map(([, source]) => source)) });
    const used = (JSON.parse(stdout) as string[]).filter((name) => /^[a-z_][a-z0-9_]*$/.test(name) && !name.startsWith('zz_step'));
    expect(used).toEqual(expect.arrayContaining(['pd', 'transform', 'data']));
    expect(used.filter((name) => validateStepName(name) === true)).toEqual([]);
  });

  it.each([
    ['list', /Python builtin/],
    ['type', /keyword|builtin/],
    ['pd', /already uses/],
    ['transform', /already uses/],
    ['data', /already uses/],
    ['primary', /already uses/],
    ['__init__', /starts with "__"/],
    ['_', /keyword/],
    ['match', /keyword/],
    ['full', /reserved/],
    ['test_x', /reserved/],
    ['Bad', /snake_case/],
    ['a-b', /snake_case/],
    ['x'.repeat(33), /longer than 32/],
  ])('%p', (name, rule) => expect(validateStepName(name)).toMatch(rule));
});

describe('every accepted name makes code in which nothing is hidden', () => {
  const accepted = fc
    .stringMatching(/^[a-z][a-z0-9_]{0,20}$/)
    .filter((name) => validateStepName(name) === true);

  it('in the three step files, and in full.py wired after process_raw_data: 400 names', async () => {
    // Random names, plus near-misses of the refused ones.
    const names = [...new Set([...fc.sample(accepted, 380), 'lists', 'pd2', 'transformer', 'data_clean', 'primary_table', 'remove_outliers', 'step', 'table', 'dedupe'])];
    expect(names.every((name) => validateStepName(name) === true)).toBe(true);
    const modules = names.flatMap((name) => {
      const wired: Array<[string, string]> = [];
      try {
        wired.push([`${name}: full.py`, wireAfter(full, 'process_raw_data', name)]);
      } catch {
        // full.py already uses the name (a variable such as `model`): wireAfter refuses it, by design.
      }
      return [...stepFiles(name), ...wired];
    });
    expect(await shadowProblems(modules)).toEqual([]);
  });

  it('the check itself finds the breakage a hiding name causes', async () => {
    const broken = stepFiles('zz_step').map(([label, source]) => [label, source.replace(/zz_step/g, 'pd')] as [string, string]);
    expect(await shadowProblems(broken)).not.toEqual([]);
  });
});

describe('through the workflow generator', () => {
  let project: string;
  beforeAll(async () => {
    const result = await generateIn(workspace('fp-steps-project-'), {}, ['Step Model']);
    project = join(result.cwd, 'step-model');
  });

  it.each(['list', 'pd', 'transform', 'str', 'data'])('`workflow %s` is refused, naming the rule; nothing is written', async (name) => {
    const before = fingerprint(project);
    const error = await refusal(workflowIn(project, [name]));
    expect(error.message).toMatch(/builtin|already uses|keyword/);
    expect(error.fix).toContain('remove_outliers');
    expect(fingerprint(project)).toEqual(before);
  });

  it('`workflow a b` (a second word) and `--after ../../x` are refused; nothing is written', async () => {
    const before = fingerprint(project);
    expect((await refusal(workflowIn(project, ['drop_nulls', 'extra']))).message).toMatch(/second word/);
    expect((await refusal(workflowIn(project, ['drop_nulls'], { after: '../../etc/passwd' }))).message).toMatch(/is not a step name/);
    expect(fingerprint(project)).toEqual(before);
  });

  it('a valid step is written whole (three files and full.py), and its files parse', async () => {
    await workflowIn(project, ['drop_nulls'], { after: 'process_raw_data' });
    const written = ['src/tasks/drop_nulls.py', 'src/workflows/drop_nulls.py', 'tests/test_drop_nulls.py', 'src/workflows/full.py'].map((path) => [path, readFileSync(join(project, path), 'utf8')] as [string, string]);
    expect(written[3][1]).toContain('drop_nulls(data=');
    expect(await shadowProblems(written)).toEqual([]);
    expect(Object.keys(fingerprint(project)).filter((path) => /\.fp-|lock/.test(path))).toEqual([]);
  });
});
