import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../bridge';
import { registerCommands } from '../../app/commands';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { getDb } from '../../db/db';
import { addModels, deleteProvider } from '../../db/repo/providers';
import { useUi } from '../../store/ui';
import { MOCK_PORT, PROVIDER_KIND_INFO } from '../../../../shared/domain/provider-kinds';
import type { ConnectionReport, KeyStatus, LocalServer } from '../../../../shared/bridge/contract';
import type { Provider } from '../../../../shared/domain/schemas';
import { ProviderForm, type FormSeed } from './ProviderForm';
import { TryMockButton } from '../onboarding/TryMockButton';
import { useKeyEpoch } from './keyStatus';

type EnvKey = { envVar: string; kind: 'openai' | 'anthropic' | 'gemini' | 'openrouter'; last4: string };

export function ProvidersPage() {
  const providers = useLiveQuery(() => getDb().providers.toArray(), [], null);
  const toast = useUi((s) => s.toast);
  const [editing, setEditing] = useState<FormSeed | null>(null);
  const [local, setLocal] = useState<LocalServer[] | null>(null);
  const [envKeys, setEnvKeys] = useState<EnvKey[] | null>(null);
  const [scanning, setScanning] = useState(false);

  const detect = useCallback(async () => {
    setScanning(true);
    try {
      setLocal(await api.providers.detectLocal());
    } catch (e) {
      toast(`Could not look for local servers: ${(e as Error).message}`, 'error');
    } finally {
      setScanning(false);
    }
  }, [toast]);

  const scanEnv = useCallback(async () => {
    try {
      setEnvKeys(await api.secrets.scanEnv());
    } catch (e) {
      toast(`Could not read the environment: ${(e as Error).message}`, 'error');
    }
  }, [toast]);

  useEffect(
    () =>
      registerCommands('providers', () => [
        { id: 'providers.add', label: 'Add provider', group: 'Providers', run: () => setEditing({ mode: 'new' }) },
        { id: 'providers.detect', label: 'Detect local model servers', group: 'Providers', run: detect },
        { id: 'providers.env', label: 'Import keys from environment', group: 'Providers', run: scanEnv },
      ]),
    [detect, scanEnv],
  );

  const known = new Set(providers?.map((p) => p.baseUrl) ?? []);
  const offers = local?.filter((s) => !known.has(s.baseUrl)) ?? [];

  return (
    <>
      <PageHeader
        title="Providers"
        subtitle="The model APIs you use. Keys stay in the main process, never in the journal, logs or exports."
        actions={
          <>
            <button type="button" onClick={() => setEditing({ mode: 'new' })}>
              Add provider
            </button>
            <button type="button" className="secondary" onClick={detect} disabled={scanning}>
              {scanning ? 'Looking…' : 'Detect local servers'}
            </button>
            <button type="button" className="secondary" onClick={scanEnv}>
              Import keys from environment
            </button>
          </>
        }
      />

      {editing && (
        <ProviderForm
          seed={editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) toast(`Saved provider “${saved.name}”.`);
          }}
        />
      )}

      {local && (
        <section className="card" aria-label="Local servers">
          <h2>Local servers on 127.0.0.1</h2>
          {local.length === 0 && (
            <p className="muted">
              None found on the usual ports (Ollama 11434, LM Studio 1234, llama.cpp 8080, vLLM 8000, Tenth mock {MOCK_PORT}).
            </p>
          )}
          {local.length > 0 && offers.length === 0 && <p className="muted">Every server found is already added.</p>}
          <ul className="list">
            {offers.map((s) => (
              <li key={s.baseUrl} className="row">
                <span>
                  <strong>{s.name}</strong> <code>{s.baseUrl}</code> — {s.models.length} model{s.models.length === 1 ? '' : 's'}
                </span>
                <button
                  type="button"
                  aria-label={`Add ${s.name}`}
                  onClick={() =>
                    setEditing({
                      mode: 'new',
                      name: s.name,
                      kind: s.kind,
                      baseUrl: s.baseUrl,
                      models: s.models,
                    })
                  }
                >
                  Add
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}

      {envKeys && (
        <section className="card" aria-label="Keys in the environment">
          <h2>Keys in the environment</h2>
          {envKeys.length === 0 ? (
            <p className="muted">None of OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY or OPENROUTER_API_KEY is set.</p>
          ) : (
            <ul className="list">
              {envKeys.map((k) => (
                <li key={k.envVar} className="row">
                  <span>
                    <code>{k.envVar}</code> ends in <code>…{k.last4}</code>
                  </span>
                  <button
                    type="button"
                    aria-label={`Add ${PROVIDER_KIND_INFO[k.kind].label} with ${k.envVar}`}
                    onClick={() =>
                      setEditing({ mode: 'new', kind: k.kind, name: PROVIDER_KIND_INFO[k.kind].label, envVar: k.envVar })
                    }
                  >
                    Add {PROVIDER_KIND_INFO[k.kind].label}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {providers?.length === 0 && !editing && (
        <EmptyState
          title="No providers yet"
          action={
            <div className="page-actions">
              <button type="button" onClick={detect}>
                Look for local servers
              </button>
              <TryMockButton className="secondary" />
            </div>
          }
        >
          <p>
            Add OpenAI, Anthropic, Gemini, OpenRouter, Ollama or any OpenAI-compatible server. No key? Start the mock
            provider with <code>npm run mock</code>, then look for local servers: it answers on port {MOCK_PORT}.
          </p>
        </EmptyState>
      )}

      {providers && providers.length > 0 && (
        <ul className="provider-list" aria-label="Providers">
          {providers.map((p) => (
            <ProviderCard key={p.id} provider={p} onEdit={() => setEditing({ mode: 'edit', provider: p })} />
          ))}
        </ul>
      )}
    </>
  );
}

function ProviderCard({ provider, onEdit }: { provider: Provider; onEdit(): void }) {
  const toast = useUi((s) => s.toast);
  const [key, setKey] = useState<KeyStatus | null>(null);
  const [report, setReport] = useState<ConnectionReport | null>(null);
  const [testing, setTesting] = useState(false);
  const keyEpoch = useKeyEpoch((s) => s.epoch);
  useEffect(() => {
    api.secrets.status({ providerId: provider.id }).then(setKey, () => setKey(null));
  }, [provider.id, keyEpoch]);

  const test = async () => {
    setTesting(true);
    setReport(null);
    try {
      setReport(await api.providers.test({ provider }));
    } catch (e) {
      setReport({ ok: false, message: (e as Error).message, httpStatus: null, models: [] });
    } finally {
      setTesting(false);
    }
  };
  const remove = async () => {
    if (!window.confirm(`Delete provider “${provider.name}”? Its attempts stay in the journal.`)) return;
    await api.secrets.delete({ providerId: provider.id }).catch(() => undefined);
    useKeyEpoch.getState().bump();
    await deleteProvider(provider.id);
    toast(`Deleted provider “${provider.name}”.`);
  };
  const have = new Set(provider.models.map((m) => m.id));
  const discovered = report?.models.filter((m) => !have.has(m)) ?? [];

  return (
    <li className="card" aria-label={`Provider ${provider.name}`}>
      <div className="row">
        <div>
          <h2>
            {provider.name} <span className="chip">{PROVIDER_KIND_INFO[provider.kind].label}</span>
          </h2>
          <div className="muted">
            <code>{provider.baseUrl}</code> · {key?.hasKey ? `key …${key.last4}` : 'no key'} · concurrency{' '}
            {provider.concurrency}
            {provider.rpm ? ` · ${provider.rpm} rpm` : ''}
          </div>
        </div>
        <div className="page-actions">
          <button type="button" className="secondary" onClick={test} disabled={testing} aria-label={`Test connection to ${provider.name}`}>
            {testing ? 'Testing…' : 'Test connection'}
          </button>
          <button type="button" className="secondary" onClick={onEdit} aria-label={`Edit ${provider.name}`}>
            Edit
          </button>
          <button type="button" className="danger" onClick={remove} aria-label={`Delete ${provider.name}`}>
            Delete
          </button>
        </div>
      </div>
      {report && (
        <div className={report.ok ? 'notice ok' : 'notice bad'} role={report.ok ? 'status' : 'alert'}>
          {report.message}
          {discovered.length > 0 && (
            <div className="discovered">
              <span className="muted">Models offered that you haven’t added:</span>
              <button type="button" className="secondary" onClick={() => addModels(provider.id, discovered)}>
                Add all {discovered.length}
              </button>
              <ul>
                {discovered.slice(0, 50).map((m) => (
                  <li key={m}>
                    <button type="button" className="link" aria-label={`Add model ${m}`} onClick={() => addModels(provider.id, [m])}>
                      + {m}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
      {provider.models.length === 0 ? (
        <p className="muted">No models yet: test the connection to discover them, or add them in Edit.</p>
      ) : (
        <table className="table" aria-label={`Models of ${provider.name}`}>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Input $/1M</th>
              <th scope="col">Output $/1M</th>
              <th scope="col">Context</th>
            </tr>
          </thead>
          <tbody>
            {provider.models.map((m) => (
              <tr key={m.id}>
                <td>
                  <code>{m.id}</code>
                  {m.displayName ? ` — ${m.displayName}` : ''}
                </td>
                <td>{m.price ? m.price.inputPerM : <span className="muted">no price</span>}</td>
                <td>{m.price ? m.price.outputPerM : <span className="muted">no price</span>}</td>
                <td>{m.contextWindow ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}
