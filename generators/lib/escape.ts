/**
 * Escapers, one per target language of the templates. A free-text answer goes through the one
 * that matches where it lands, so quotes, backslashes, `$(…)`, backticks or `<%` stay inert text.
 * test/escape.property.test.ts renders thousands of generated strings through each and parses or
 * runs the result (make, bash, Python, TOML, YAML) to prove the text comes back unchanged.
 */

/**
 * Characters written as `\uXXXX` in a quoted string: C0 and C1 controls, DEL, and the characters
 * YAML 1.1 (PyYAML) reads as line breaks or refuses unescaped (NEL, LS, PS, BOM, non-characters).
 */
// eslint-disable-next-line no-control-regex
const ESCAPED_IN_QUOTES = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

/** A double-quoted string that is valid Python, TOML (basic string) and YAML (double-quoted scalar). */
export function quoted(value: string): string {
  let out = '"';
  // A lone surrogate has no UTF-8 form: U+FFFD, as the file's encoding would write it anyway.
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) out += '\ufffd';
    else if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (ESCAPED_IN_QUOTES.test(char)) out += `\\u${code.toString(16).padStart(4, '0')}`;
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
 * shell-quoted first, then escaped for make. Make reads `$` as a reference (`$$` is one `$`) and
 * `#` as a comment, unless an odd number of backslashes precede it: of n backslashes before `#`,
 * make keeps n/2 (rounded down), and the `#` is literal only when n is odd. So k backslashes
 * before a literal `#` are written as 2k+1. Backslashes elsewhere are literal; the value ends
 * with the closing quote, never with a backslash that would join the next line.
 */
export function makeShellWord(value: string): string {
  return shellWord(value.replace(/[\r\n]+/g, ' '))
    .replace(/\$/g, '$$$$')
    .replace(/(\\*)#/g, (_match, backslashes: string) => `${backslashes}${backslashes}\\#`);
}

/** Inline Markdown text: no raw HTML, no accidental emphasis or links. */
export function markdownText(value: string): string {
  return value.replace(/[\\`*_[\]<>&|]/g, (char) =>
    char === '<' ? '&lt;' : char === '>' ? '&gt;' : char === '&' ? '&amp;' : `\\${char}`,
  );
}
