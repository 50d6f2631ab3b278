/**
 * Renders a template folder into memory: `name.ejs` is rendered with ejs, everything else is
 * copied byte for byte, and `gitignore`-style names get their dot back (npm pack drops dotfiles).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ejs from 'ejs';
import { PACKAGE_ROOT } from '../../shared/package.js';

export interface RenderedFile {
  /** Path inside the project, with `/` separators. */
  path: string;
  contents: Buffer;
  executable: boolean;
}

/** Names stored without their leading dot (npm pack drops some dotfiles); any path segment. */
const DOTTED = new Set(['gitignore', 'dockerignore', 'gitkeep', 'github', 'pre-commit-config.yaml']);

/** The package's `templates/` folder. */
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    // Templates hold no dotfiles (see DOTTED); a dot or __pycache__ is a local leftover.
    if (entry.name.startsWith('.') || entry.name === '__pycache__') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

export function targetPath(templatePath: string): string {
  return templatePath
    .split('/')
    .map((part) => (part.endsWith('.ejs') ? part.slice(0, -4) : part))
    .map((part) => (DOTTED.has(part) ? `.${part}` : part))
    .join('/');
}

/** Renders every template under `templateDir`, or those `include` accepts (by target path). */
export function renderFolder(templateDir: string, context: Record<string, unknown>, include: (path: string) => boolean = () => true): RenderedFile[] {
  const sources = [...walk(templateDir)].filter((source) => include(targetPath(relative(templateDir, source).split(sep).join('/'))));
  return sources.map((source) => {
    const templatePath = relative(templateDir, source).split(sep).join('/');
    const raw = readFileSync(source);
    const contents = source.endsWith('.ejs')
      ? Buffer.from(ejs.render(raw.toString('utf8'), context, { filename: source, strict: false }), 'utf8')
      : raw;
    return { path: targetPath(templatePath), contents, executable: (statSync(source).mode & 0o111) !== 0 };
  });
}
