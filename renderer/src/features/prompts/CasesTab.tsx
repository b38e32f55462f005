import { useState } from 'react';
import { addCases, addVariable, deleteCase, moveCase, updateCase } from '../../db/repo/prompts';
import { parseCases, type CaseImportError } from '../../../../shared/cases/import';
import type { Case } from '../../../../shared/domain/schemas';

export function CasesTab({ promptId, cases, variables }: { promptId: string; cases: Case[]; variables: string[] }) {
  const columns = [...new Set([...variables, ...cases.flatMap((c) => Object.keys(c.vars))])];
  const [newVar, setNewVar] = useState('');
  const [varError, setVarError] = useState<string | null>(null);
  const [pasted, setPasted] = useState('');
  const [importErrors, setImportErrors] = useState<CaseImportError[] | null>(null);
  const [imported, setImported] = useState<number | null>(null);

  const doImport = async (text: string) => {
    const result = parseCases(text);
    setImported(null);
    if (result.errors.length) {
      setImportErrors(result.errors);
      return;
    }
    setImportErrors(null);
    await addCases(promptId, result.cases);
    setImported(result.cases.length);
    setPasted('');
  };

  const addVar = async () => {
    const name = newVar.trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
      setVarError('A variable name uses letters, digits, _ . - and does not start with a digit.');
      return;
    }
    setVarError(null);
    if (cases.length === 0) await addCases(promptId, [{ label: null, vars: { [name]: '' } }]);
    else await addVariable(promptId, name);
    setNewVar('');
  };

  return (
    <div className="cases">
      <p className="muted">
        Each case is one set of values for the prompt’s <code>{'{{variables}}'}</code>. A run sends every case to every model, as many times as you repeat it.
      </p>
      {cases.length === 0 ? (
        <p>No cases yet. Without cases the prompt runs once per repeat, as written.</p>
      ) : (
        <div className="table-scroll">
          <table className="table cases-table" aria-label="Cases">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Label</th>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                    {!variables.includes(c) && <span className="muted" title="Not used by the prompt text"> (unused)</span>}
                  </th>
                ))}
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {cases.map((c, i) => (
                <tr key={c.id}>
                  <td className="muted">{i + 1}</td>
                  <td>
                    <input
                      aria-label={`Case ${i + 1} label`}
                      defaultValue={c.label ?? ''}
                      onBlur={(e) => void updateCase(c.id, { label: e.target.value.trim() || null })}
                    />
                  </td>
                  {columns.map((col) => (
                    <td key={col}>
                      <textarea
                        rows={1}
                        aria-label={`Case ${i + 1} ${col}`}
                        defaultValue={c.vars[col] ?? ''}
                        onBlur={(e) => {
                          if ((c.vars[col] ?? '') !== e.target.value) void updateCase(c.id, { vars: { ...c.vars, [col]: e.target.value } });
                        }}
                      />
                    </td>
                  ))}
                  <td className="row-actions">
                    <button type="button" className="ghost" aria-label={`Move case ${i + 1} up`} disabled={i === 0} onClick={() => void moveCase(c.id, -1)}>
                      ↑
                    </button>
                    <button type="button" className="ghost" aria-label={`Move case ${i + 1} down`} disabled={i === cases.length - 1} onClick={() => void moveCase(c.id, 1)}>
                      ↓
                    </button>
                    <button type="button" className="ghost" aria-label={`Delete case ${i + 1}`} onClick={() => void deleteCase(c.id)}>
                      ×
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="page-actions">
        <button type="button" onClick={() => void addCases(promptId, [{ label: null, vars: Object.fromEntries(columns.map((c) => [c, ''])) }])}>
          Add case
        </button>
        <input aria-label="New variable name" placeholder="new variable" value={newVar} onChange={(e) => setNewVar(e.target.value)} aria-invalid={varError ? true : undefined} />
        <button type="button" className="secondary" onClick={() => void addVar()} disabled={!newVar.trim()}>
          Add variable
        </button>
      </div>
      {varError && <p className="field-error">{varError}</p>}

      <section className="card import-box" aria-label="Import cases">
        <h2>Import cases</h2>
        <p className="muted">
          Paste CSV (first row: variable names; a <code>_label</code> column names the case) or JSONL (one object per line), or choose a file.
        </p>
        <textarea aria-label="Cases to import" rows={4} value={pasted} onChange={(e) => setPasted(e.target.value)} placeholder={'country,language\nFrance,French\nJapan,Japanese'} spellCheck={false} />
        <div className="page-actions">
          <button type="button" disabled={!pasted.trim()} onClick={() => void doImport(pasted)}>
            Import pasted cases
          </button>
          <label className="button secondary file-button">
            Choose file…
            <input
              type="file"
              accept=".csv,.tsv,.jsonl,.ndjson,.txt,text/csv,application/json"
              className="sr-only"
              aria-label="Import cases from a file"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) await doImport(await file.text());
              }}
            />
          </label>
        </div>
        {imported !== null && <p role="status">Imported {imported} case{imported === 1 ? '' : 's'}.</p>}
        {importErrors && (
          <div role="alert" className="notice bad">
            <strong>Nothing was imported — fix these first:</strong>
            <ul>
              {importErrors.slice(0, 20).map((e, i) => (
                <li key={i}>
                  Row {e.row}
                  {e.column ? `, column “${e.column}”` : ''}: {e.message}
                </li>
              ))}
            </ul>
            {importErrors.length > 20 && <p>…and {importErrors.length - 20} more.</p>}
          </div>
        )}
      </section>
    </div>
  );
}
