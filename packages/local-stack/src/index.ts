export * from './paths';
export * from './ports';
export * from './process';
export * from './prometheus';
export * from './jaeger';
export * from './collector';
export * from './stack';
export * from './backstage';
