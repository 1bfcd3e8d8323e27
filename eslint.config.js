import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'dist-*/', 'node_modules/', 'models/train/', 'test-results/', 'playwright-report/', 'src/i18n/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Scripts and test tooling run in Node.
    files: ['scripts/**/*.{js,mjs,ts}', '*.config.{js,ts}', 'test/**/*.{ts,mjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
