/**
 * Escapers, one per target language of the templates. A free-text answer goes through the one
 * that matches where it lands, so quotes, backslashes, `$(…)`, backticks or `<%` stay inert text.
 */

/** A double-quoted string that is valid Python, TOML (basic string) and YAML (double-quoted scalar). */
export function quoted(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** One POSIX shell word: single-quoted, so nothing inside is expanded. */
export function shellWord(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The right-hand side of a Makefile `VAR := …` whose value is used as one shell word in a recipe:
 * shell-quoted first, then `$` and `#` escaped for make.
 */
export function makeShellWord(value: string): string {
  return shellWord(value.replace(/[\r\n]+/g, ' ')).replace(/\$/g, '$$$$').replace(/#/g, '\\#');
}

/** Inline Markdown text: no raw HTML, no accidental emphasis or links. */
export function markdownText(value: string): string {
  return value.replace(/[\\`*_[\]<>&|]/g, (char) =>
    char === '<' ? '&lt;' : char === '>' ? '&gt;' : char === '&' ? '&amp;' : `\\${char}`,
  );
}
