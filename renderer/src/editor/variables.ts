/**
 * The variable names prompt completion offers. Kept apart from monaco.ts so the
 * workspace can set them without loading Monaco.
 */
let known: string[] = [];

export function setKnownVariables(names: string[]): void {
  known = [...new Set(names)].sort();
}

export function knownVariables(): string[] {
  return known;
}
