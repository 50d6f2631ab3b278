/**
 * Wiring a new table-to-table step into `full` after an existing step: the step's output variable
 * is passed through the new workflow and rebound, so every later step reads the new table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../shared/errors.js';
import { TEMPLATES_DIR } from './render.js';
import { shown } from '../../shared/validators.js';

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case type _'.split(' '),
);

/** Python's builtins (3.10-3.12) a step's `def NAME` or `from workflows.NAME import NAME` would shadow (`list`, `type`, …). */
const PYTHON_BUILTINS = new Set(
  'abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex copyright credits delattr dict dir divmod enumerate eval exec exit filter float format frozenset getattr globals hasattr hash help hex id input int isinstance issubclass iter len license list locals map max memoryview min next object oct open ord pow print property quit range repr reversed round set setattr slice sorted staticmethod str sum super tuple type vars zip'.split(' '),
);

/** Longest step name whose generated lines still fit black's 88 columns. */
const MAX_STEP_NAME = 32;

/**
 * Every name the step's own files use besides the step's (`pd`, `transform`, `data`, the test's
 * fixtures such as `primary`, …): a step called that would rebind it, and the generated code
 * would break. Read from the templates, so the list follows them.
 */
function namesInStepTemplates(): ReadonlySet<string> {
  if (stepTemplateNames) return stepTemplateNames;
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.py.ejs')) for (const name of pythonNames(readFileSync(path, 'utf8'))) names.add(name);
    }
  };
  walk(join(TEMPLATES_DIR, 'workflow'));
  stepTemplateNames = names;
  return names;
}
let stepTemplateNames: Set<string> | undefined;

/** The names a Python source (an ejs template of one) binds or reads: no strings, comments, attributes, or template tags. */
export function pythonNames(source: string): Set<string> {
  const code = source
    .replace(/<%[\s\S]*?%>/g, 'STEP')
    .replace(/("""|''')[\s\S]*?\1/g, ' ')
    .replace(/[rbfRBF]{0,2}("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')/g, ' ')
    .replace(/#[^\n]*/g, ' ');
  const names = new Set<string>();
  for (const [name] of code.matchAll(/(?<![.\w])[A-Za-z_]\w*/g)) if (!name.includes('STEP')) names.add(name);
  return names;
}

/** A step name: a snake_case Python identifier that is not a keyword, a builtin or a name the step's code uses. */
export function validateStepName(name: string): true | string {
  if (name.length > MAX_STEP_NAME) return `${shown(name)} is longer than ${MAX_STEP_NAME} characters`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) return `${shown(name)} is not a snake_case Python identifier ([a-z_][a-z0-9_]*)`;
  if (PYTHON_KEYWORDS.has(name)) return `"${name}" is a Python keyword`;
  if (name.startsWith('__')) return `"${name}" starts with "__", which Python keeps for its own names`;
  if (PYTHON_BUILTINS.has(name)) return `"${name}" is a Python builtin: the step's function and import would hide it`;
  if (['full', 'tasks', 'workflows', 'tests', 'conftest', 'content_hash'].includes(name) || name.startsWith('test_')) {
    return `"${name}" is reserved in a generated project`;
  }
  if (namesInStepTemplates().has(name)) return `"${name}" is a name the generated step already uses (like pd, transform or data): the step would hide it`;
  return true;
}

/** Whether a workflow module's workflow returns one table (a ParquetFile, the file a step writes for the next). */
export function returnsTable(workflowSource: string, step: string): boolean {
  const signature = new RegExp(`def ${step}\\([^]*?\\)\\s*->\\s*([^:]+):`).exec(workflowSource);
  return signature !== null && signature[1].trim() === 'ParquetFile';
}

/**
 * Where a step that returns one table writes it on a local run, under data/ (`03_primary/primary.parquet`):
 * the layer constant its task module passes to `save_table(..., NAME)`, defined in that module or in
 * tasks/layers.py. A step added after it reads that file when run alone. Undefined when it cannot be read.
 */
export function tableLayer(taskSource: string, layersSource: string): string | undefined {
  const saved = [...taskSource.matchAll(/save_table\([^]*?,\s*([A-Z_][A-Z0-9_]*)\s*,?\s*\)/g)].pop()?.[1];
  if (saved === undefined) return undefined;
  // A plain string, with nothing to escape: it is written back into Python as it is.
  const value = new RegExp(`^${saved}\\s*=\\s*"([^"\\\\\\n]+)"`, 'm');
  return value.exec(taskSource)?.[1] ?? value.exec(layersSource)?.[1];
}

export function wireAfter(fullSource: string, step: string, name: string): string {
  if (new RegExp(`\\b${name}\\b`).test(fullSource)) {
    throw new UserError(`full.py already uses the name ${name}`, 'pick another name for the new workflow');
  }
  const call = new RegExp(`^([ \\t]+)([A-Za-z_][\\w, ]*?)\\s*=\\s*${step}\\(`, 'm').exec(fullSource);
  if (!call) throw new UserError(`full does not call ${step} as \`name = ${step}(...)\``, 'pass --after a step that full calls, or wire the workflow by hand');
  const [, indent, target] = call;
  if (target.includes(',')) {
    throw new UserError(`${step} has several outputs (${target}), so a single-table step cannot follow it`, 'pass --after a step that returns one table, e.g. process_raw_data');
  }
  // The call may span lines: find its closing parenthesis.
  let depth = 0;
  let end = call.index + call[0].length - 1;
  for (; end < fullSource.length; end += 1) {
    if (fullSource[end] === '(') depth += 1;
    if (fullSource[end] === ')' && --depth === 0) break;
  }
  const lineEnd = fullSource.indexOf('\n', end);
  const insertAt = lineEnd === -1 ? fullSource.length : lineEnd + 1;
  const wired = `${fullSource.slice(0, insertAt)}${indent}${target} = ${name}(data=${target})\n${fullSource.slice(insertAt)}`;
  return addImport(wired, `from workflows.${name} import ${name}`);
}

/** Adds an import among the `from workflows.` imports, in sorted position. */
function addImport(source: string, line: string): string {
  const lines = source.split('\n');
  const imports = lines.map((text, index) => [text, index] as const).filter(([text]) => text.startsWith('from workflows.'));
  if (imports.length === 0) throw new UserError('full.py has no `from workflows.` imports to extend', 'add the import and the call by hand');
  const after = imports.filter(([text]) => text < line).pop();
  lines.splice(after ? after[1] + 1 : imports[0][1], 0, line);
  return lines.join('\n');
}
