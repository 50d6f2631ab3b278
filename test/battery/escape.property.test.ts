/**
 * Escaping, proven per target language on generated strings (fast-check): each escaper's output is
 * put where the templates put it, then parsed or run by the real tool — make and bash, Python's
 * parser, tomllib, YAML 1.2 (the `yaml` package) and YAML 1.1 (PyYAML) — and must give back the
 * exact text, with no marker file created by anything in it.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { execa } from 'execa';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { resolveAnswers } from '../../shared/answers.js';
import { templateContext } from '../../generators/lib/context.js';
import { makeShellWord, quoted } from '../../generators/lib/escape.js';
import type { DefaultsSource } from '../../shared/questions.js';
import { validateFreeText } from '../../shared/validators.js';
import { ROOT } from '../helpers/project.js';
import { workspace } from './helpers.js';

const PROJECT_TEMPLATES = join(ROOT, 'templates', 'project');
const source: DefaultsSource = { env: {}, home: '/nonexistent', gitUser: { name: 'Ada', email: 'ada@example.com' } };
const PYTHON = process.env.PYTHON ?? 'python3';

/** What make, a shell or a quoted string could take for syntax, and what would run if it did. */
const PIECES = [
  '\\', '\\\\', '#', '\\#', '\\\\#', "'", '"', '`', '$', '$$', '$(touch MARK)', '`touch MARK`', '$(shell touch MARK)', '${HOME}', '$HOME',
  '%', ';', '&&', '|', '<', '>', '(', ')', '{', '}', '*', '?', '[', ']', '~', '!', ' ', '  ', ':', '=', ',', '\\n', '\\t', '\\u0041',
  '<%= 7*7 %>', '<%', '%>', '-n', '-e', '--help', '\\\\\\', 'é', '日本', '😀', 'ß', '\u00a0', 'a', 'Z', '0', 'rm -rf /', '&amp;',
];
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
);
const hostile = fc.array(piece, { maxLength: 14 }).map((parts) => parts.join(''));
/** Text as an answer is stored: one line, trimmed, no control characters (validators refuse them). */
const answerText = hostile.map((text) => text.trim().replace(/\s*[\r\n\t]+\s*/g, ' ')).filter((text) => validateFreeText(text) === true);

/** No `MARK` file anywhere below `dir`: nothing in the text was run. */
function markers(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((path) => path.split('/').pop()?.startsWith('MARK'));
}

let work: string;
beforeAll(() => {
  work = workspace('fp-escape-');
});
afterEach(() => expect(markers(work)).toEqual([]));

describe('make: makeShellWord', () => {
  it('a `VAR := …` line used as one shell word in a recipe prints the text back, 2000 strings', async () => {
    const dir = join(work, 'make-words');
    mkdirSync(dir);
    await fc.assert(
      fc.asyncProperty(fc.array(answerText, { minLength: 1, maxLength: 50 }), async (texts) => {
        const makefile = [
          'SHELL := /bin/bash',
          ...texts.map((text, index) => `V${index} := ${makeShellWord(text)}`),
          'all:',
          `\t@printf '%s\\0' ${texts.map((_text, index) => `$(V${index})`).join(' ')}`,
          '',
        ].join('\n');
        writeFileSync(join(dir, 'Makefile'), makefile);
        const { stdout } = await execa('make', ['-s', '--no-print-directory'], { cwd: dir, stripFinalNewline: false, encoding: 'utf8' });
        expect(stdout.split('\0').slice(0, -1)).toEqual(texts);
      }),
      { numRuns: 40 },
    );
  });

  it('the generated Makefile: `make info` prints the project name and description as given, 150 answer sets', async () => {
    const template = readFileSync(join(PROJECT_TEMPLATES, 'Makefile.ejs'), 'utf8');
    const dir = join(work, 'make-info');
    mkdirSync(dir);
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(answerText, answerText, async (nameTail, description) => {
        // A project name must make a slug: give it letters, then anything.
        const projectName = `p${nameTail}`.slice(0, 60).trim();
        const answers = await resolveAnswers({ layers: [{ projectName, description }], useDefaults: true, source }).catch(() => undefined);
        fc.pre(answers !== undefined);
        if (!answers) return;
        writeFileSync(join(dir, 'Makefile'), ejs.render(template, templateContext(answers)));
        const { stdout, stderr } = await execa('make', ['-s', '--no-print-directory', 'info', 'IMAGE_TAG=t', 'VERSION=v', 'CODE_DIR=/c'], { cwd: dir, encoding: 'utf8' });
        expect(stderr).toBe('');
        const lines = stdout.split('\n');
        expect([lines[0].slice(17), lines[1].slice(17)]).toEqual([answers.projectName, answers.description]);
        checked += 1;
      }),
      { numRuns: 150 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  // The example the battery started from: a name ending in a backslash before `#`, a description that runs code.
  it.each([
    ['pp\\#', "$(touch MARK) '"],
    ['pp\\\\#x', '`touch MARK` \\'],
    ['pq#', '\\#$(shell touch MARK)#'],
  ])('name %p, description %p: printed as given, nothing run', async (projectName, description) => {
    const dir = join(work, `make-example-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    const answers = await resolveAnswers({ layers: [{ projectName, description }], useDefaults: true, source });
    writeFileSync(join(dir, 'Makefile'), ejs.render(readFileSync(join(PROJECT_TEMPLATES, 'Makefile.ejs'), 'utf8'), templateContext(answers)));
    const { stdout } = await execa('make', ['-s', 'info', 'IMAGE_TAG=t', 'VERSION=v', 'CODE_DIR=/c'], { cwd: dir });
    expect(stdout.split('\n').slice(0, 2).map((line) => line.slice(17))).toEqual([projectName, description]);
    expect((await execa('make', ['-n', 'info', 'IMAGE_TAG=t', 'VERSION=v', 'CODE_DIR=/c'], { cwd: dir })).exitCode).toBe(0);
  });
});

describe('bash: ./run --remote --dry-run in a project whose path holds anything', () => {
  /** A path segment: anything but "/" and NUL, as a user's folder may be named. */
  const segment = fc
    .array(fc.oneof(fc.constantFrom(...PIECES, '\n', '\t', "'\\''", '"$(touch MARK)"'), fc.string({ unit: 'grapheme', maxLength: 3 })), { minLength: 1, maxLength: 8 })
    .map((parts) => parts.join('').replace(/[/\0]/g, '_'))
    .filter((name) => name !== '.' && name !== '..' && Buffer.byteLength(name) < 200 && name.length > 0);

  it('evaluates the Makefile settings without running any of the path, and hands scripts/remote.py the exact path, 100 paths', async () => {
    const answers = await resolveAnswers({ layers: [{ projectName: 'Path Model' }], useDefaults: true, source });
    const context = templateContext(answers);
    const makefile = ejs.render(readFileSync(join(PROJECT_TEMPLATES, 'Makefile.ejs'), 'utf8'), context);
    const run = ejs.render(readFileSync(join(PROJECT_TEMPLATES, 'run.ejs'), 'utf8'), context);
    // A stand-in python on PATH records what ./run hands the remote step, and runs nothing else.
    const fakeBin = join(work, 'fake-bin');
    const seen = join(work, 'seen.txt');
    mkdirSync(fakeBin, { recursive: true });
    writeFileSync(join(fakeBin, 'python'), `#!/bin/sh\nprintf '%s' "$FLYTECTL_CONFIG" > '${seen}'\n`);
    chmodSync(join(fakeBin, 'python'), 0o755);
    const parent = join(work, 'paths');
    mkdirSync(parent);
    let index = 0;
    await fc.assert(
      fc.asyncProperty(segment, async (name) => {
        const project = join(parent, `${(index += 1)}`, name, 'proj');
        mkdirSync(join(project, 'src', 'workflows'), { recursive: true });
        writeFileSync(join(project, 'Makefile'), makefile);
        writeFileSync(join(project, 'run'), run, { mode: 0o755 });
        writeFileSync(join(project, 'src', 'workflows', 'full.py'), '');
        writeFileSync(seen, '');
        const env = { PATH: `${fakeBin}:${process.env.PATH}`, VIRTUAL_ENV: '/nonexistent', HOME: work };
        const result = await execa('./run', ['--remote', '--dry-run', 'src/', 'full'], { cwd: project, env, extendEnv: false, reject: false, stdin: 'ignore' });
        expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
        expect(readFileSync(seen, 'utf8')).toBe(join(project, 'flyte-config.yaml'));
        expect(markers(parent)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('Python, TOML and YAML: quoted', () => {
  /** Anything JavaScript can hold, control characters and lone surrogates included. */
  const anyText = fc.oneof(hostile, fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'binary-ascii', maxLength: 20 }));
  /** What the file holds once written as UTF-8: a lone surrogate becomes U+FFFD. */
  const wellFormed = (text: string) => text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

  it('Python (ast.literal_eval), TOML (tomllib) and YAML 1.1 (PyYAML) read back the text, 3000 strings', async () => {
    const file = join(work, 'quoted.json');
    await fc.assert(
      fc.asyncProperty(fc.array(anyText, { minLength: 300, maxLength: 300 }), async (texts) => {
        writeFileSync(file, JSON.stringify(texts.map((text) => [quoted(text), wellFormed(text)])));
        const script = [
          'import ast, json, sys, tomllib, yaml',
          'bad = []',
          'for q, want in json.load(open(sys.argv[1], encoding="utf-8")):',
          '    compile("x = " + q + "\\n", "<quoted>", "exec")',
          '    got = [ast.literal_eval(q), tomllib.loads("k = " + q + "\\n")["k"], yaml.safe_load("k: " + q + "\\n")["k"]]',
          '    if got != [want] * 3: bad.append([q, want, got])',
          'print(json.dumps(bad[:3]))',
        ].join('\n');
        const { stdout } = await execa(PYTHON, ['-c', script, file]);
        expect(JSON.parse(stdout)).toEqual([]);
      }),
      { numRuns: 10 },
    );
  });

  it('YAML 1.2 (the yaml package) reads back the text, 3000 strings', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(parseYaml(`k: ${quoted(text)}\n`).k).toBe(wellFormed(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('the generated pyproject.toml (description, author) and flyte-config.yaml parse back to the answers, 200 answer sets', async () => {
    const pyproject = readFileSync(join(PROJECT_TEMPLATES, 'pyproject.toml.ejs'), 'utf8');
    const flyteConfig = readFileSync(join(PROJECT_TEMPLATES, 'flyte-config.yaml.ejs'), 'utf8');
    const file = join(work, 'pyproject.json');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(answerText, answerText), { minLength: 20, maxLength: 20 }), async (pairs) => {
        const rendered: Array<[string, string, string]> = [];
        for (const [description, author] of pairs) {
          const answers = await resolveAnswers({ layers: [{ projectName: 'Toml Model', description, author }], useDefaults: true, source }).catch(() => undefined);
          if (!answers) continue;
          const context = templateContext(answers);
          rendered.push([ejs.render(pyproject, context), answers.description, answers.author]);
          expect(parseYaml(ejs.render(flyteConfig, context))).toMatchObject({ admin: { endpoint: answers.flyteEndpoint } });
        }
        writeFileSync(file, JSON.stringify(rendered));
        const script = [
          'import json, sys, tomllib',
          'bad = []',
          'for text, description, author in json.load(open(sys.argv[1], encoding="utf-8")):',
          '    project = tomllib.loads(text)["project"]',
          '    got = [project["description"], project.get("authors", [{}])[0].get("name", "")]',
          '    if got != [description, author]: bad.append([got, description, author])',
          'print(json.dumps(bad[:3]))',
        ].join('\n');
        const { stdout } = await execa(PYTHON, ['-c', script, file]);
        expect(JSON.parse(stdout)).toEqual([]);
      }),
      { numRuns: 10 },
    );
  });
});
