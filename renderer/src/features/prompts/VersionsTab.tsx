import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { DiffField } from '../../editor/CodeField';
import { getDb } from '../../db/db';
import { countAttempts } from '../../db/journal';
import type { PromptVersion } from '../../../../shared/domain/schemas';

/** A version as text, so the diff shows system, messages and parameters in one view. */
export function versionText(v: Pick<PromptVersion, 'system' | 'messages' | 'params'>): string {
  const parts = [`# System\n${v.system}`];
  v.messages.forEach((m, i) => parts.push(`# Message ${i + 1} (${m.role})\n${m.content}`));
  parts.push(`# Parameters\n${JSON.stringify(v.params, null, 2)}`);
  return `${parts.join('\n\n')}\n`;
}

const short = (id: string) => id.replace(/^pv_/, '').slice(0, 8);

export function VersionsTab({ promptId }: { promptId: string }) {
  const versions = useLiveQuery(() => getDb().promptVersions.where('promptId').equals(promptId).reverse().sortBy('createdAt'), [promptId], null);
  // Counted through the promptVersion index, one version at a time: never loads the attempts.
  const counts = useLiveQuery(
    async () => {
      const ids = (versions ?? []).map((v) => v.id);
      const n = await Promise.all(ids.map((id) => countAttempts({ promptVersions: [id] })));
      return new Map(ids.map((id, i) => [id, n[i]!]));
    },
    [versions],
    new Map<string, number>(),
  );
  const [left, setLeft] = useState<string | null>(null);
  const [right, setRight] = useState<string | null>(null);

  useEffect(() => {
    if (!versions || versions.length === 0) return;
    if (!right || !versions.some((v) => v.id === right)) setRight(versions[0]!.id);
    if (!left || !versions.some((v) => v.id === left)) setLeft((versions[1] ?? versions[0])!.id);
  }, [versions, left, right]);

  if (versions === null) return null;
  if (versions.length === 0) return <p>No versions yet. Press <kbd>Ctrl/Cmd+S</kbd> (or Save version) to keep an immutable snapshot; every run uses one.</p>;

  const a = versions.find((v) => v.id === left);
  const b = versions.find((v) => v.id === right);
  return (
    <div className="versions">
      <table className="table" aria-label="Versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Saved</th>
            <th scope="col">Attempts</th>
            <th scope="col">Left</th>
            <th scope="col">Right</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v, i) => (
            <tr key={v.id}>
              <td>
                <code title={v.id}>{short(v.id)}</code> {i === 0 && <span className="chip">latest</span>}
              </td>
              <td>{new Date(v.createdAt).toLocaleString()}</td>
              <td>{counts.get(v.id) ?? 0}</td>
              <td>
                <input type="radio" name="diff-left" aria-label={`Compare from ${short(v.id)}`} checked={left === v.id} onChange={() => setLeft(v.id)} />
              </td>
              <td>
                <input type="radio" name="diff-right" aria-label={`Compare to ${short(v.id)}`} checked={right === v.id} onChange={() => setRight(v.id)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {a && b && (
        <section aria-label="Version diff">
          <h2 className="diff-title">
            <code>{short(a.id)}</code> → <code>{short(b.id)}</code>
            {a.id === b.id && <span className="muted"> (the same version: pick two to compare)</span>}
          </h2>
          <DiffField label={`Diff of ${short(a.id)} and ${short(b.id)}`} original={versionText(a)} modified={versionText(b)} />
        </section>
      )}
    </div>
  );
}
