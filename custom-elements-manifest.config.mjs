// Custom Elements Manifest of the kit's elements, from their JSDoc (`@fires`, `@csspart`, `@cssprop`, `@slot`).
export default {
  globs: ['components/**/*.ts'],
  exclude: ['components/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
};
