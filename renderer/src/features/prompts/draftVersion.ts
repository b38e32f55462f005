/**
 * Whether the draft in the editor is a saved version. A version's id is the
 * hash of its content (shared/engine/version-id.ts), so the draft is saved
 * exactly when the id it would get is among the prompt's versions — an older
 * one included, as after going back to earlier text.
 */
import { useEffect, useState } from 'react';
import { draftVersionId } from '../../db/repo/prompts';
import type { Message, Params } from '../../../../shared/domain/schemas';

export interface DraftContent {
  system: string;
  messages: Message[];
  params: Params;
}

export type DraftVersion =
  /** Hashing, or the versions are still loading. */
  | { status: 'checking' }
  /** The draft cannot be saved as a version as it is: `reason` says why. */
  | { status: 'invalid'; reason: string }
  /** The draft is this saved version. */
  | { status: 'saved'; versionId: string }
  /** No version holds the draft; saving it would make `versionId`. */
  | { status: 'unsaved'; versionId: string };

/** Why this draft cannot be saved as a version, or null if it can. */
export function versionProblem(d: Pick<DraftContent, 'messages'>, paramsValid: boolean): string | null {
  if (!paramsValid) return 'Fix the parameters before saving a version.';
  if (d.messages.length === 0 || d.messages.every((m) => !m.content.trim())) return 'Write at least one message before saving a version.';
  return null;
}

/**
 * The draft's standing against the saved versions. `content` must keep its
 * identity while the text is unchanged (memoize it): the hash is redone only
 * when it changes, and a hash of older content never answers for newer.
 */
export function useDraftVersion(promptId: string, content: DraftContent | null, versionIds: readonly string[] | null, problem: string | null): DraftVersion {
  const [hashed, setHashed] = useState<{ of: DraftContent; id: string | null } | null>(null);
  useEffect(() => {
    if (!content) return;
    let live = true;
    void draftVersionId({ id: promptId, ...content }).then((id) => {
      if (live) setHashed({ of: content, id });
    });
    return () => {
      live = false;
    };
  }, [promptId, content]);

  if (problem) return { status: 'invalid', reason: problem };
  if (!content || !versionIds || hashed?.of !== content) return { status: 'checking' };
  if (hashed.id === null) return { status: 'invalid', reason: 'Fix the parameters before saving a version.' };
  return versionIds.includes(hashed.id) ? { status: 'saved', versionId: hashed.id } : { status: 'unsaved', versionId: hashed.id };
}
