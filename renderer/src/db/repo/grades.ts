/**
 * Grade writes. Grades are appended, never replaced: a re-run check or a
 * changed mind adds a record, and the verdict reads the latest (shared/stats
 * verdictOf). The one exception is a human grade being made in the grading
 * flow, which `upsertHumanGrade` edits by its id while the user is on it.
 */
import { ulid } from 'ulid';
import type { Grade } from '../../../../shared/domain/schemas';
import { getDb } from '../db';

export const newGradeId = () => ulid();

/** Appends grades to several attempts in one transaction. */
export async function appendGrades(byAttempt: ReadonlyMap<string, Grade[]>): Promise<void> {
  if (byAttempt.size === 0) return;
  const db = getDb();
  await db.transaction('rw', db.attempts, async () => {
    const ids = [...byAttempt.keys()];
    const rows = await db.attempts.bulkGet(ids);
    const updated = rows.flatMap((a) => (a ? [{ ...a, grades: [...a.grades, ...byAttempt.get(a.id)!] }] : []));
    await db.attempts.bulkPut(updated);
  });
}

export async function addGrade(attemptId: string, grade: Grade): Promise<void> {
  await appendGrades(new Map([[attemptId, [grade]]]));
}

/** Adds or edits (by `grade.id`) one human grade of an attempt. */
export async function upsertHumanGrade(attemptId: string, grade: Grade & { id: string }): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.attempts, async () => {
    const a = await db.attempts.get(attemptId);
    if (!a) throw new Error(`Attempt ${attemptId} is not in the journal.`);
    const i = a.grades.findIndex((g) => g.id === grade.id);
    const grades = i >= 0 ? a.grades.map((g, j) => (j === i ? grade : g)) : [...a.grades, grade];
    await db.attempts.update(attemptId, { grades });
  });
}
