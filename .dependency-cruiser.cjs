/**
 * Layers depend one way: spec ← provider-utils ← providers ← core ← {server, cli, evals};
 * store sits beside core. Each rule forbids an import that would point the wrong way.
 */
const layer = (name) => `^src/${name}/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'spec-is-the-bottom', severity: 'error', from: { path: layer('spec') }, to: { path: '^src/(?!spec/)' } },
    {
      name: 'provider-utils-only-on-spec',
      severity: 'error',
      from: { path: layer('provider-utils') },
      to: { path: '^src/(providers|core|store|server|cli|evals)/' },
    },
    {
      name: 'providers-below-core',
      severity: 'error',
      from: { path: layer('providers') },
      to: { path: '^src/(core|store|server|cli|evals)/' },
    },
    {
      name: 'providers-do-not-know-each-other',
      comment: 'An adapter may build on openai-compatible, never on another vendor folder.',
      severity: 'error',
      from: { path: '^src/providers/([^/]+)/' },
      to: { path: '^src/providers/([^/]+)/', pathNot: ['^src/providers/$1/', '^src/providers/openai-compatible/'] },
    },
    { name: 'core-below-the-edges', severity: 'error', from: { path: layer('core') }, to: { path: '^src/(server|cli|evals)/' } },
    { name: 'server-is-not-the-cli', severity: 'error', from: { path: layer('server') }, to: { path: '^src/cli/' } },
    { name: 'no-src-to-tests', severity: 'error', from: { path: '^src/', pathNot: '\\.test\\.ts$' }, to: { path: '^(test|bench)/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^dist/|__fixtures__)' },
  },
};
