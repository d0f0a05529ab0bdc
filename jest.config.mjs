/** Jest 30 in ESM mode (run through `node --experimental-vm-modules`, see package.json). */
/**
 * Some CommonJS dependencies (@fastify/static) require() packages that are now ESM-only
 * (content-disposition). Node itself allows that, but jest's own require() does so only on
 * Node 24.9+; before that, those few packages are compiled to CommonJS for the tests.
 */
const [major, minor] = process.versions.node.split('.').map(Number);
const jestRequiresEsm = major > 24 || (major === 24 && minor >= 9);
const ESM_ONLY_REQUIRED_FROM_CJS = ['content-disposition'].join('|');
const esmToCommonJs = jestRequiresEsm
  ? {}
  : {
      [`/node_modules/(${ESM_ONLY_REQUIRED_FROM_CJS})/.+\\.js$`]: [
        'ts-jest',
        { useESM: false, tsconfig: { isolatedModules: true, allowJs: true, module: 'commonjs', moduleResolution: 'node10', target: 'es2022', ignoreDeprecations: '6.0' } },
      ],
    };
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.jest.json' }], ...esmToCommonJs },
  transformIgnorePatterns: jestRequiresEsm ? ['/node_modules/'] : [`/node_modules/(?!(${ESM_ONLY_REQUIRED_FROM_CJS})/)`],
};

export default {
  // Jest reads testTimeout only from the top level; inside a project entry it is ignored. A "no hang"
  // bound for tests and hooks alike: starting an app took over 30 s on a 2-core machine at load 20.
  testTimeout: 120_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
