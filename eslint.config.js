// ESLint 9 flat config. Besides the usual TypeScript and React hooks rules it enforces the
// architecture's import boundaries (shared/house-style.md):
// - maplibre-gl (and the terra-draw adapter that pulls it in) only in *.client.tsx files;
// - browser-reachable files under app/ never import notify/, exercises/, server/ or Node builtins
//   (Remix guards only *.server.* modules and .server/ folders);
// - process.env is read only in server/env.ts (and by tests and build scripts).
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// Importing the stylesheet URL (`maplibre-gl/dist/maplibre-gl.css?url`) ships no script, so it
// is allowed anywhere.
const maplibreOnlyInClientFiles = {
  regex: '^(maplibre-gl(/(?!dist/maplibre-gl\\.css\\?url$).*)?|terra-draw-maplibre-gl-adapter)$',
  message: 'maplibre-gl reaches the browser bundle only through *.client.tsx files (type imports are fine).',
}

const serverOnlyForBrowserCode = [
  {
    // (a regex: in gitignore-style `group` patterns a leading # starts a comment)
    regex: '^(#|(\\.\\./)+)(notify|exercises|server)/',
    message: 'Browser-reachable app/ code must not import notify/, exercises/ or server/: use a *.server.ts facade.',
  },
  {
    group: ['node:*', ...builtinModules.filter((m) => !m.startsWith('_'))],
    message: 'Node builtins only in *.server.ts files (or .server/ folders) inside app/.',
  },
]

const allowTypeImports = true

export default tseslint.config(
  {
    ignores: [
      'build/',
      'generated/',
      'node_modules/',
      'data/',
      'public/build/',
      '.sargs/',
      'coverage/',
      'screenshots/',
      'test-results/',
      '.cache/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through server/env.ts (parseEnv), never process.env.' },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ ...maplibreOnlyInClientFiles, allowTypeImports }] },
      ],
    },
  },
  {
    files: ['**/*.tsx', '**/*.jsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  // Browser-reachable code in app/: everything except *.server.* modules, .server/ folders,
  // the server entry and tests.
  {
    files: ['app/**/*.{ts,tsx,js,jsx}'],
    ignores: [
      'app/**/*.server.{ts,tsx,js,jsx}',
      'app/**/.server/**',
      'app/entry.server.tsx',
      'app/**/*.test.{ts,tsx}',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { ...maplibreOnlyInClientFiles, allowTypeImports },
            ...serverOnlyForBrowserCode.map((p) => ({ ...p, allowTypeImports })),
          ],
        },
      ],
    },
  },
  // *.client.tsx may import maplibre-gl; the server-only boundaries still hold there.
  {
    files: ['app/**/*.client.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: serverOnlyForBrowserCode.map((p) => ({ ...p, allowTypeImports })) },
      ],
    },
  },
  {
    files: ['**/*.client.{ts,tsx}'],
    ignores: ['app/**'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  // process.env: the configuration module, tests, and build/CI tooling may read it.
  {
    files: [
      'server/env.ts',
      '**/*.test.{ts,tsx}',
      'tests/**',
      'vitest.config.ts',
      'vitest.e2e.config.ts',
      'vite.config.ts',
      'scripts/**',
      'bench/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
