/**
 * The layers of the package's code (issue 17, item 6): shared/ is the floor, imported by the
 * generators (generators/) and the TypeScript helpers (scripts/), importing neither; the generators
 * and the helpers never import each other (the init generator runs the helper as its own process);
 * bin/, the commands, stands above them all. Read from the sources: every import and export-from,
 * static or dynamic, of every .ts file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { ROOT } from './helpers/project.js';

const FLOORS = ['shared', 'generators', 'scripts', 'bin'] as const;
type Floor = (typeof FLOORS)[number];

/** What each floor may import of ours: itself and the floors named. */
const MAY_IMPORT: Record<Floor, readonly Floor[]> = {
  shared: [],
  generators: ['shared'],
  scripts: ['shared'],
  bin: ['shared', 'generators', 'scripts'],
};

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** Every module a file names: `import … from`, `export … from`, `import '…'` and `import('…')`. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\1/gm)) found.push(match[2]);
  return found;
}

/** The floor a relative specifier lands on (undefined: a package, or outside the floors). */
function floorOf(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return join(dirname(file), specifier).split(sep)[0];
}

/** `file -> specifier` for each import a floor may not make. */
function violations(): string[] {
  const found: string[] = [];
  for (const floor of FLOORS) {
    for (const file of tsFiles(floor)) {
      for (const specifier of specifiers(readFileSync(join(ROOT, file), 'utf8'))) {
        const target = floorOf(file, specifier);
        if (target === undefined || target === floor) continue;
        if (!(MAY_IMPORT[floor] as readonly string[]).includes(target)) found.push(`${file} -> ${specifier}`);
      }
    }
  }
  return found;
}

describe('the layers of the code', () => {
  it('finds every form of import', () => {
    const source = "import a from '../x.js';\nimport type { B } from \"./b.js\";\nexport { c } from '../../c.js';\nimport './side.js';\nconst d = await import('../d.js');\nconst text = 'from here';";
    expect(specifiers(source)).toEqual(['../x.js', './b.js', '../../c.js', './side.js', '../d.js']);
  });

  it('reads the floors it guards', () => {
    for (const floor of FLOORS) expect(tsFiles(floor).length).toBeGreaterThan(0);
  });

  it('generators/ and scripts/ import each other only through shared/, which imports neither; only bin/ imports them', () => {
    expect(violations()).toEqual([]);
  });
});
