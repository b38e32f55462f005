/**
 * `{{variable}}` substitution for prompt text.
 *
 * Syntax: `{{name}}` (spaces inside the braces are allowed: `{{ name }}`) is
 * replaced by the case's value for `name`. A name the case does not define is
 * left in the text unchanged and reported, so a typo shows up in the run plan
 * instead of silently sending an empty string. To send a literal `{{`, write
 * `\{{` — the backslash is removed and the braces are kept as they are.
 */

/** A variable name: letters, digits, `_`, `-` and `.`, not starting with a digit or punctuation. */
const TOKEN = /\\\{\{|\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

export interface Rendered {
  text: string;
  /** Names used in the text that the vars did not define, each once, in order of appearance. */
  unknown: string[];
}

export function renderTemplate(text: string, vars: Readonly<Record<string, string>>): Rendered {
  const unknown: string[] = [];
  const out = text.replace(TOKEN, (match: string, name: string | undefined) => {
    if (name === undefined) return '{{'; // the `\{{` escape
    if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
    if (!unknown.includes(name)) unknown.push(name);
    return match;
  });
  return { text: out, unknown };
}

/** The variable names a text uses (escaped braces excluded), each once. */
export function templateVariables(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const name = m[1];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}
