// Custom Elements Manifest of the kit's elements, from their JSDoc (`@fires`, `@csspart`, `@cssprop`, `@slot`).
export default {
  globs: ['components/**/*.ts'],
  exclude: ['components/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  plugins: [
    {
      // Modules come in the order the file system lists them, which differs between clones: sorted, the committed
      // manifest stays as it is after `npm test` (which regenerates it) on any machine.
      name: 'modules-by-path',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      },
    },
  ],
};
