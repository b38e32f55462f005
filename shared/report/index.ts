/**
 * Shareable reports (issue 7): `buildReport(input)` computes what a report
 * says; `renderHtml(model)` and `renderMarkdown(model)` write it out. Pure
 * TypeScript, no DOM: runs in the data worker and in Node.
 */
export * from './model';
export * from './render';
