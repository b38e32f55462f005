/**
 * What the import says about a file, from the report the worker sends: one
 * sentence for a file that is not a journal (empty, an image, a CSV export),
 * the line table for a broken journal.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { collectText, exportCsv, exportJsonl } from '../../../../shared/journal/export';
import { planImport, type ImportMode } from '../../../../shared/journal/import';
import { sampleJournal } from '../../../../shared/journal/sample';
import type { ImportSummary } from '../../workers/data/protocol';
import { ImportPanel, ImportSummaryView } from './ImportPanel';

afterEach(cleanup);

const APP = { name: 'Tenth', version: '0.1.0' };

/** The worker's summary of importing `bytes` (data.worker.ts sends the same shape). */
async function summaryOf(bytes: Uint8Array | string, mode: ImportMode = 'all-or-nothing'): Promise<ImportSummary> {
  const r = await planImport(bytes, null, { mode });
  return { ...r, duplicateIds: r.duplicateIds.length };
}

function png(): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(8000).map((_, i) => (i * 131 + 7) % 256);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return b;
}

describe('ImportSummaryView', () => {
  it('an empty file: says it is empty, in either mode', async () => {
    for (const mode of ['all-or-nothing', 'valid-only'] as ImportMode[]) {
      render(<ImportSummaryView report={await summaryOf('', mode)} />);
      expect(screen.getByRole('status').textContent).toBe('The file is empty.');
      cleanup();
    }
  });

  it('a PNG renamed to .jsonl: one message, no table of line errors', async () => {
    render(<ImportSummaryView report={await summaryOf(png())} />);
    expect(screen.getByRole('status').textContent).toBe('This is not a text file (it looks like a PNG image); Tenth imports its JSONL or JSON export.');
    expect(screen.queryByRole('table', { name: 'Import errors' })).toBeNull();
  });

  it("Tenth's own CSV export: says CSV can't be imported back, and what can", async () => {
    const csv = await collectText(exportCsv(sampleJournal(40).attempts));
    // Copied into this realm's Uint8Array: jsdom's TextEncoder hands out Node's.
    render(<ImportSummaryView report={await summaryOf(new Uint8Array(new TextEncoder().encode(csv)))} />);
    const status = screen.getByRole('status');
    expect(status.textContent).toMatch(/^This is a CSV export: CSV exports can’t be imported back/);
    expect(status.textContent).toContain('Import the JSONL export or the JSON backup instead.');
    expect(screen.queryByRole('table', { name: 'Import errors' })).toBeNull();
  });

  it('a journal with no records, or none valid, is not "nothing new"', async () => {
    const header = (await collectText(exportJsonl({}, { app: APP }))).trimEnd();
    render(<ImportSummaryView report={await summaryOf(header)} />);
    expect(screen.getByRole('status').textContent).toBe('The file holds no records.');
    cleanup();
    render(<ImportSummaryView report={await summaryOf('{"schema":"tenth.attempt/1"}\n', 'valid-only')} />);
    expect(screen.getByRole('status').textContent).toMatch(/^No line of the file is a valid record\. 1 invalid lines were left out\./);
  });

  it('a broken journal keeps its line table', async () => {
    const text = await collectText(exportJsonl(sampleJournal(3), { app: APP }));
    render(<ImportSummaryView report={await summaryOf(`${text}{"schema":"tenth.attempt/1"\n`)} />);
    expect(screen.getByRole('status').textContent).toMatch(/^Nothing was imported: the file has 1 error\./);
    expect(screen.getByRole('table', { name: 'Import errors' })).toBeTruthy();
  });
});

describe('ImportPanel', () => {
  it('shows the whole-file message for the file chosen', async () => {
    const started: string[] = [];
    const bytes = png();
    render(
      <ImportPanel
        start={(file, mode) => {
          // jsdom's File can't be read back; the worker would read these bytes from it.
          started.push(`${file.name} ${mode}`);
          return { done: summaryOf(bytes, mode), cancel: () => undefined };
        }}
      />,
    );
    const file = new File([bytes], 'results.jsonl', { type: 'application/octet-stream' });
    fireEvent.change(screen.getByLabelText('Journal file to import'), { target: { files: [file] } });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('it looks like a PNG image'));
    expect(started).toEqual(['results.jsonl all-or-nothing']);
    expect(screen.queryByRole('table', { name: 'Import errors' })).toBeNull();
  });
});
