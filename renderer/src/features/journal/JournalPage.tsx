import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect } from 'react';
import { registerCommands } from '../../app/commands';
import { EmptyState } from '../../components/EmptyState';
import { GoToPrompts } from '../../components/GoToPrompts';
import { PageHeader } from '../../components/PageHeader';
import { countAttempts } from '../../db/journal';
import { AttemptDetail } from './AttemptDetail';
import { BlindReview } from './BlindReview';
import { ChecksSection } from './ChecksEditor';
import { Compare } from './Compare';
import { Filters } from './Filters';
import { GradeQueue } from './GradeQueue';
import { JournalTable } from './JournalTable';
import { JudgePanel } from './JudgePanel';
import { JOURNAL_TABS, TAB_LABELS, useJournalUi } from './store';
import { BackupsNotice, ExportButton } from '../data';
import { exportSelection } from './selection';
import './journal.css';

export function JournalPage() {
  const count = useLiveQuery(() => countAttempts(), [], null);
  const tab = useJournalUi((s) => s.tab);
  const setTab = useJournalUi((s) => s.setTab);
  const openId = useJournalUi((s) => s.openId);
  const selected = useJournalUi((s) => s.selected);
  const comparing = useJournalUi((s) => s.comparing);
  const compare = useJournalUi((s) => s.compare);
  const filter = useJournalUi((s) => s.filter);

  useEffect(
    () =>
      registerCommands('journal', () => [
        ...JOURNAL_TABS.map((t) => ({ id: `journal.tab.${t}`, label: `Journal: ${TAB_LABELS[t]}`, group: 'Journal', run: () => useJournalUi.getState().setTab(t) })),
        { id: 'journal.clearFilters', label: 'Journal: clear filters', group: 'Journal', run: () => useJournalUi.getState().clearFilter() },
        {
          id: 'journal.compare',
          label: 'Journal: compare the two selected attempts',
          group: 'Journal',
          enabled: () => useJournalUi.getState().selected.length === 2,
          run: () => {
            const s = useJournalUi.getState().selected;
            if (s.length === 2) useJournalUi.getState().compare([s[0]!, s[1]!]);
          },
        },
        { id: 'journal.closeDetail', label: 'Journal: close attempt detail', group: 'Journal', enabled: () => useJournalUi.getState().openId !== null, run: () => useJournalUi.getState().open(null) },
      ]),
    [],
  );

  return (
    <div className="journal-page">
      <PageHeader
        title="Journal"
        subtitle="Every attempt, failures included."
        actions={count ? <ExportButton filter={exportSelection(filter)} label="Export this selection" /> : undefined}
      />
      {count === 0 && tab === 'attempts' ? (
        <>
          <BackupsNotice />
          <EmptyState
            title="No attempts yet"
            action={<GoToPrompts />}
          >
            <p>
              Each request to a model is journaled here before it leaves and finished after — errors, timeouts, refusals
              and cancellations too. Run a prompt to fill it, or import a journal exported from another machine.
            </p>
          </EmptyState>
        </>
      ) : null}
      <div className="tabs" role="tablist" aria-label="Journal sections">
        {JOURNAL_TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`journal-tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`journal-panel-${t}`}
            className={tab === t ? 'tab active' : 'tab'}
            onClick={() => setTab(t)}
          >
            {TAB_LABELS[t]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`journal-panel-${tab}`} aria-labelledby={`journal-tab-${tab}`}>
      {tab === 'attempts' && count !== 0 && (
        <>
          <Filters />
          <div className="journal-toolbar">
            <button type="button" className="secondary" disabled={selected.length !== 2} onClick={() => compare([selected[0]!, selected[1]!])}>
              Compare selected ({selected.length}/2)
            </button>
          </div>
          {comparing && <Compare ids={comparing} />}
          <div className={openId ? 'journal-split' : undefined}>
            <JournalTable />
            {openId && <AttemptDetail id={openId} />}
          </div>
        </>
      )}
      {tab === 'grade' && <GradeQueue />}
      {tab === 'blind' && <BlindReview />}
      {tab === 'checks' && <ChecksSection />}
      {tab === 'judges' && <JudgePanel />}
      </div>
    </div>
  );
}
