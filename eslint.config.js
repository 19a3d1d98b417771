import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// The core layers decide; they must not reach up into the shell that does I/O.
const coreLayerRestrictions = {
  patterns: [
    { group: ['**/modules/**', '**/http/**', '**/cli/**', '**/jobs/**', '**/db/**'], message: 'policy/, crypto/, audit/ and pii/ import nothing from the layers above them.' },
    { group: ['fastify', 'fastify-*', '@fastify/*', 'kysely', 'pg', '@electric-sql/*'], message: 'the core layers do no HTTP or database I/O.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.custos/**', 'web/dist/**', 'bench/results/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/policy/**/*.ts', 'src/crypto/**/*.ts', 'src/audit/**/*.ts', 'src/pii/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', coreLayerRestrictions] },
  },
  {
    // Services decide with an injected Clock, never the wall clock.
    files: ['src/modules/**/*.service.ts', 'src/policy/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'inject a Clock instead of Date.now()' }, { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'inject a Clock instead of new Date()' }],
    },
  },
);
