/** Jest 30 in ESM mode (run through `node --experimental-vm-modules`, see package.json). */
/**
 * Some CommonJS dependencies (@fastify/static) require() packages that are now ESM-only
 * (content-disposition). Node 20 allows that, but jest's own require() does so only on
 * Node 24.9+, so those few packages are compiled to CommonJS for the tests.
 */
const ESM_ONLY_REQUIRED_FROM_CJS = ['content-disposition'];
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.jest.json' }],
  [`/node_modules/(${ESM_ONLY_REQUIRED_FROM_CJS.join('|')})/.+\\.js$`]: [
    'ts-jest',
    { useESM: false, tsconfig: { isolatedModules: true, allowJs: true, module: 'commonjs', moduleResolution: 'node10', target: 'es2022', ignoreDeprecations: '6.0' } },
  ],
};
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_REQUIRED_FROM_CJS.join('|')})/)`],
};

export default {
  // A global option: inside a project entry jest ignores it and falls back to 5 s.
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
