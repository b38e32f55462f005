/**
 * Tenth's statistics: pure functions over attempts (PRODUCT.md "Metric
 * definitions"), with every method named where it is defined. No DOM or Node
 * APIs — they run in the renderer, a Web Worker, main and the CLI alike.
 */
export * from './confidence';
export * from './distributions';
export * from './prng';
export * from './quantiles';
export * from './intervals';
export * from './verdict';
export * from './cell';
export * from './group';
export * from './compare';
export * from './drift';
export * from './figures';
export * from './projection';
