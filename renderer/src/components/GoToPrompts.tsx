import { useUi } from '../store/ui';

/** The next step an empty page offers when nothing was run yet: the prompts, where runs start. */
export function GoToPrompts() {
  const setPage = useUi((s) => s.setPage);
  return (
    <button type="button" onClick={() => setPage('prompts')}>
      Go to Prompts
    </button>
  );
}
