/** A labelled progress bar with counts and a Cancel button. */
export function Progress(props: { label: string; value: number; max: number | null; detail: string; onCancel?: () => void }) {
  const { label, value, max, detail, onCancel } = props;
  return (
    <div className="data-progress" role="group" aria-label={label}>
      <progress aria-label={label} value={max ? Math.min(value, max) : undefined} max={max ?? undefined} />
      <span className="muted" aria-live="polite">
        {detail}
      </span>
      {onCancel && (
        <button type="button" className="secondary small" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}

export function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
