/**
 * The V8 heap setting for a long run (`tenth run`, and bench:runner, which
 * runs the engine the same way).
 *
 * A run allocates fast and keeps little: each attempt's request, stream
 * buffers and records die within its call, and the live heap stays near
 * 16–19 MB from 1,000 to 10,000 attempts. With Node's default young
 * generation (16 MB semi-spaces on 64-bit) the process starts ~13 MB larger,
 * and the garbage that does get promoted piles up in the old generation until
 * a major GC, whose timing decides the peak: RSS at 10,000 attempts came out
 * anywhere between 131 and 156 MB across runs. With 8 MB semi-spaces the
 * major GCs come sooner and the peak stays within a few MB of the 1,000-attempt
 * figure (bench:runner: 126–135 MB at every 1,000 of 10,000), at no measurable
 * cost to throughput. A larger young generation (32 MB) is flat too but
 * ~35 MB higher.
 *
 * Set at run time: V8 applies a new maximum semi-space size when it next
 * resizes the young generation.
 */
import { setFlagsFromString } from 'node:v8';

export const RUN_SEMI_SPACE_MB = 8;

export function tuneHeapForRuns(): void {
  setFlagsFromString(`--max-semi-space-size=${RUN_SEMI_SPACE_MB}`);
}
