import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Kafka client libraries: reached only through src/driver/.
const DRIVER_PACKAGES = ['kafkajs', '@platformatic/kafka', '@confluentinc/kafka-javascript'];
const DRIVER_PATTERNS = [{ group: ['kafkajs/*', '@platformatic/kafka/*', '@confluentinc/*'], message: 'Only src/driver/ imports a Kafka client library.' }];

export default tseslint.config(
  { ignores: ['dist/', 'examples/dist/', 'bench/dist/', 'node_modules/', 'test/nest11/node_modules/', '.kafka-cache/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // CommonJS programs, such as the NestJS 11 app the suite runs as a Nest 11 user would.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { process: 'readonly', require: 'readonly', setTimeout: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The parts' arrows: only src/driver/ reaches a Kafka library, and run-time code never loads the test kit.
    files: ['src/**/*.ts'],
    ignores: ['src/driver/**', 'src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: DRIVER_PACKAGES.map((name) => ({ name, message: 'Only src/driver/ imports a Kafka client library; use the port in src/driver/kafka-driver.interface.ts.' })),
          patterns: [{ group: ['**/testing/*', '**/testing'], message: 'The test kit is never imported at run time.' }, ...DRIVER_PATTERNS],
        },
      ],
    },
  },
  {
    // The codec turns records into values and back; it knows no transport part.
    files: ['src/codec/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: DRIVER_PACKAGES, patterns: [{ group: ['../*'], message: 'The codec imports only codec files.' }] }],
    },
  },
  {
    // Drivers reach their own library, the port and shared parts, never the transport above them.
    files: ['src/driver/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/*', '**/client/*', '**/testing/*'], message: 'A driver serves the transport; it does not import it.' }] },
      ],
    },
  },
  {
    // Scripts and examples are programs whose output is the point.
    files: ['scripts/**', 'examples/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
