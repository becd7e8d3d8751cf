// One Jest run, three projects selected by file suffix, so a single JSON summary counts every suite.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@tracker/(contracts|event-store|messaging|projections|auth|platform|ferretdb|testing)$':
    '<rootDir>/libs/$1/src',
};
const common = {
  rootDir: __dirname,
  // jose ships ES modules only; Jest on Node < 24.9 cannot require them, so swc compiles it like our code.
  transform: { '^.+\\.ts$': swc, '/node_modules/jose/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper,
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.local/'],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      setupFiles: ['<rootDir>/libs/testing/src/load-infra-env.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/slow-test-timeout.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/apps/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      setupFiles: ['<rootDir>/libs/testing/src/load-infra-env.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/slow-test-timeout.ts'],
    },
    {
      // Servers and apps killed under load, minutes long, kept out of `npm test` (see README):
      // `npm run test:chaos` provisions the servers (3-broker Kafka included) and runs this project.
      ...common,
      displayName: 'chaos',
      testMatch: ['<rootDir>/test/chaos/*.chaos-spec.ts'],
      globalSetup: '<rootDir>/test/chaos/global-setup.ts',
    },
    {
      // Three instances of every app under the chaos load (rolling restart, SIGKILLs, scaling), also
      // minutes long and kept out of `npm test`: `npm run test:scale` provisions the servers and runs it.
      ...common,
      displayName: 'scale',
      testMatch: ['<rootDir>/test/chaos/*.scale-spec.ts'],
      globalSetup: '<rootDir>/test/chaos/global-setup.ts',
    },
  ],
};
