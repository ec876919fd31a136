import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.data/', 'coverage/', 'build/', 'web/src/api/schema.d.ts'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // esbuild tree-shakes the members of a namespace import, but bundles all of `z` (every check, every locale):
      // hundreds of KB more for a function to load at each cold start (`npm run bench:bundles`).
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z'][importKind!='type']",
          message: "Use `import * as z from 'zod'`.",
        },
      ],
    },
  },
  {
    // What a function loads builds its schemas with shared/zod.ts (zod/mini), whose schemas cost a fraction of the
    // classic API's to build and to load (see there). Only the OpenAPI descriptions keep the classic API.
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    ignores: [
      'shared/zod.ts',
      'shared/openapi.ts',
      'shared/http/openapi-operation.ts',
      'shared/*/operations.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'zod',
              message: "Use `import * as z from '<path>/zod.ts'` (zod/mini).",
              allowTypeImports: true,
            },
            {
              name: 'zod/mini',
              message: "Use `import * as z from '<path>/zod.ts'`, which sets zod's messages.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['local/**', 'bench/**', 'bin/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
