/**
 * Debian's Chromium as every browser suite launches it (element tests, e2e, Storybook): no browser download works
 * here, and these flags are the ones our machines require (DEVELOPERS.md).
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
