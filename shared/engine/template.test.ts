import { describe, expect, it } from 'vitest';
import { renderTemplate, templateVariables } from './template';

describe('renderTemplate', () => {
  it('substitutes known variables, with or without spaces in the braces', () => {
    expect(renderTemplate('Capital of {{country}}? {{ country }}!', { country: 'France' })).toEqual({
      text: 'Capital of France? France!',
      unknown: [],
    });
  });

  it('leaves unknown variables as written and reports each once', () => {
    const r = renderTemplate('{{a}} {{b}} {{b}} {{c}}', { a: '1' });
    expect(r.text).toBe('1 {{b}} {{b}} {{c}}');
    expect(r.unknown).toEqual(['b', 'c']);
  });

  it('turns \\{{ into a literal {{ and does not substitute behind it', () => {
    const r = renderTemplate('Use \\{{name}} for {{name}}', { name: 'x' });
    expect(r.text).toBe('Use {{name}} for x');
    expect(r.unknown).toEqual([]);
  });

  it('does not re-expand text that came from a value', () => {
    expect(renderTemplate('{{a}}', { a: '{{b}}', b: 'no' }).text).toBe('{{b}}');
  });

  it('accepts dotted and dashed names and ignores malformed braces', () => {
    expect(renderTemplate('{{user.name}} {{x-y}} {{ 9bad }} {{}}', { 'user.name': 'ann', 'x-y': 'z' }).text).toBe(
      'ann z {{ 9bad }} {{}}',
    );
  });

  it('lists the variables a text uses', () => {
    expect(templateVariables('{{a}} \\{{b}} {{c}} {{a}}')).toEqual(['a', 'c']);
  });
});
