import type { ReactNode } from 'react';

/** What an empty page shows: what this is for, and the one thing to do next. */
export function EmptyState(props: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <section className="empty-state" aria-label={props.title}>
      <h2>{props.title}</h2>
      <div className="empty-body">{props.children}</div>
      {props.action && <div className="empty-action">{props.action}</div>}
    </section>
  );
}
