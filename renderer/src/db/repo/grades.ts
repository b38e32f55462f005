/**
 * Grade writes. Grades are appended, never replaced: a re-run check or a
 * changed mind adds a record, and the verdict reads the latest (shared/stats
 * verdictOf). The one exception is a human grade being made in the grading
 * flow, which `upsertHumanGrade` edits by its id while the user is on it.
 */
import { ulid } from 'ulid';
import type { Grade } from '../../../../shared/domain/schemas';
import { modifyAttempts } from '../journal';

export const newGradeId = () => ulid();

/** Appends grades to several attempts in one transaction. */
export async function appendGrades(byAttempt: ReadonlyMap<string, Grade[]>): Promise<void> {
  await modifyAttempts([...byAttempt.keys()], (a) => ({ ...a, grades: [...a.grades, ...byAttempt.get(a.id)!] }));
}

export async function addGrade(attemptId: string, grade: Grade): Promise<void> {
  await appendGrades(new Map([[attemptId, [grade]]]));
}

/** Adds or edits (by `grade.id`) one human grade of an attempt. */
export async function upsertHumanGrade(attemptId: string, grade: Grade & { id: string }): Promise<void> {
  const written = await modifyAttempts([attemptId], (a) => {
    const i = a.grades.findIndex((g) => g.id === grade.id);
    return { ...a, grades: i >= 0 ? a.grades.map((g, j) => (j === i ? grade : g)) : [...a.grades, grade] };
  });
  if (written === 0) throw new Error(`Attempt ${attemptId} is not in the journal.`);
}
