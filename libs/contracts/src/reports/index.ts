export * from './implementation-report';
