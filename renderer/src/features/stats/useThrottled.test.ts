import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useThrottled } from './useThrottled';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('useThrottled', () => {
  it('passes the first change at once and the latest of a burst at the end of the interval', () => {
    vi.setSystemTime(10_000);
    const { result, rerender } = renderHook(({ v }) => useThrottled(v, 1000), { initialProps: { v: 1 } });
    expect(result.current).toBe(1);
    rerender({ v: 2 });
    expect(result.current).toBe(2);
    rerender({ v: 3 });
    rerender({ v: 4 });
    expect(result.current).toBe(2);
    act(() => {
      vi.advanceTimersByTime(999);
    });
    expect(result.current).toBe(2);
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(result.current).toBe(4);
  });
});
