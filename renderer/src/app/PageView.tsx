import { JournalPage } from '../features/journal/JournalPage';
import { PromptsPage } from '../features/prompts/PromptsPage';
import { ProvidersPage } from '../features/providers/ProvidersPage';
import { RunsPage } from '../features/runs/RunsPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { StatsPage } from '../features/stats/StatsPage';
import type { Page } from '../store/ui';

export function PageView({ page }: { page: Page }) {
  switch (page) {
    case 'prompts':
      return <PromptsPage />;
    case 'runs':
      return <RunsPage />;
    case 'journal':
      return <JournalPage />;
    case 'stats':
      return <StatsPage />;
    case 'providers':
      return <ProvidersPage />;
    case 'settings':
      return <SettingsPage />;
  }
}
