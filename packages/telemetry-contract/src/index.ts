export * from './labels';
export * from './naming';
export * from './metrics';
export * from './promql';
export * from './queries';
export * from './links';
export * from './client';
export * from './platform';
