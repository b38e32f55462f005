/**
 * mulberry32: a tiny seeded 32-bit PRNG (Tommy Ettinger's public-domain
 * generator). Hand-written because `Math.random` cannot be seeded and the
 * bootstrap must give the same interval every time the same journal is viewed;
 * simple-statistics' sampling helpers take a random source but ship no seeded one.
 * Statistical quality is ample for resampling (passes gjrand/PractRand up to
 * gigabytes); it is not for cryptography.
 */
export type Rng = () => number;

/** Returns a function giving uniform floats in [0, 1), fully determined by `seed`. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/**
 * mulberry32 for a hot loop: returns a function that fills `out` with
 * ⌊next() · n⌋ — uniform integers in [0, n) — from the same sequence as
 * `mulberry32(seed)` called once per value (tested), continuing where the
 * last fill stopped. One loop instead of a call per draw: the bootstrap draws
 * millions of case indexes.
 */
export function mulberry32Indexes(seed: number): (out: Int32Array, n: number) => void {
  let a = seed >>> 0;
  return (out, n) => {
    for (let i = 0; i < out.length; i++) {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      out[i] = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    }
  };
}
