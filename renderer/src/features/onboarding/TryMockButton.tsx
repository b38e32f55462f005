import { useState } from 'react';
import { useUi } from '../../store/ui';
import { usePromptsUi } from '../prompts/PromptsPage';
import { tryWithMock } from './tryMock';

/** Runs the mock quick start and opens the sample prompt's Run tab. */
export async function startMockTour(): Promise<void> {
  const { toast, setPage } = useUi.getState();
  try {
    const result = await tryWithMock();
    if (!result.ok) {
      toast(result.message, 'error');
      return;
    }
    usePromptsUi.getState().select(result.promptId);
    usePromptsUi.getState().setTab('run');
    setPage('prompts');
    toast(
      result.reused
        ? 'Opened the sample prompt you already have, with the mock provider. Pick the models and launch the run.'
        : 'Added the mock provider and a sample prompt. Pick the models and launch the run.',
    );
  } catch (e) {
    toast(`Could not set up the mock: ${(e as Error).message}`, 'error');
  }
}

export function TryMockButton({ className }: { className?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className={className}
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        await startMockTour();
        setBusy(false);
      }}
    >
      {busy ? 'Looking for the mock…' : 'Try it with the mock provider'}
    </button>
  );
}
