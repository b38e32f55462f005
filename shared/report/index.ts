/**
 * Shareable reports (issue 7): `buildReport(input)` computes what a report
 * says; `renderHtml(model)` and `renderMarkdown(model)` write it out. Pure
 * TypeScript, no DOM: runs in the data worker and in Node. `names.ts` names
 * targets and cases for reports and the Stats page alike.
 */
export * from './model';
export * from './names';
export * from './render';
