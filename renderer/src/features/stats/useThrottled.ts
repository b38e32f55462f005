import { useEffect, useRef, useState } from 'react';

/**
 * `value`, changing at most once per `ms`: the first change shows at once, a
 * burst of changes (a run finishing attempts) shows its latest value at the
 * end of each interval. Recomputing 100,000 attempts per finished attempt would
 * keep the worker busy for nothing.
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const wait = last.current + ms - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      setShown(value);
      return;
    }
    const t = setTimeout(() => {
      last.current = Date.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(t);
  }, [value, shown, ms]);
  return shown;
}
