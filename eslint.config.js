import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'examples/dist/', 'bench/dist/', 'node_modules/', 'test/nest11/node_modules/', '.kafka-cache/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Scripts and examples are programs whose output is the point.
    files: ['scripts/**', 'examples/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
